# qemu-bug: QEMU 7.2 aborts on a malformed null-co size from --image-opts, open -o and qemu-img's json: filename; we report a clean error and exit 1
# expect-ours: 091-qemu-bug-bad-size-other-paths.ours
run $QEMU_IO --image-opts -c length driver=null-co,size=abc
run $QEMU_IO -c 'open -o driver=null-co,size=-1'
run $QEMU_IO -c 'open -o driver=null-co,size=1x' -c 'open -o driver=null-co,size=1k' -c length
run $QEMU_IMG info 'json:{"driver":"null-co","size":"abc"}'
