# null-co default size and size formats in the length output.
run $QEMU_IO -c length 'json:{"driver":"null-co"}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":1}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":"1k"}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":1048577}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":"10G"}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":"1.5T"}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":0}'
run $QEMU_IO -c 'open -o driver=null-co,size=4M' -c length
