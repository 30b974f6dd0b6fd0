# qemu-img info/map/compare/bench over quorum and blkdebug graphs.
Q=$QEMU_IMG
$Q create -q -f raw a.raw 1M; $QEMU_IO -f raw -c 'write -P 1 0 4k' a.raw >/dev/null
for i in 1 2 3; do $Q create -q -f raw q$i.raw 1M; done
QU='json:{"driver":"quorum","vote-threshold":2,"children":[{"driver":"raw","file":{"driver":"file","filename":"q1.raw"}},{"driver":"raw","file":{"driver":"file","filename":"q2.raw"}},{"driver":"raw","file":{"driver":"file","filename":"q3.raw"}}]}'
run $QEMU_IMG info "$QU"
run $QEMU_IMG info --output=json "$QU"
run $QEMU_IMG map --output=json "$QU"
run $QEMU_IMG map "$QU"
run $QEMU_IMG compare "$QU" q1.raw
run $QEMU_IMG bench -c 100 "$QU"
run $QEMU_IMG bench -c 100 -w "$QU"
run $QEMU_IMG info --output=json --image-opts driver=quorum,vote-threshold=2,children.0.driver=raw,children.0.file.filename=q1.raw,children.1.driver=raw,children.1.file.filename=q2.raw
run $QEMU_IMG info --output=json --image-opts driver=blkdebug,image.driver=null-co
run $QEMU_IMG info --image-opts driver=blkdebug,image.driver=file,image.filename=a.raw
run $QEMU_IMG map --output=json --image-opts driver=blkdebug,image.driver=file,image.filename=a.raw
run $QEMU_IMG map --image-opts driver=blkdebug,image.driver=file,image.filename=a.raw
run $QEMU_IMG map --output=json blkdebug::a.raw
run $QEMU_IMG info blkdebug::a.raw
run $QEMU_IMG compare blkdebug::a.raw a.raw
run $QEMU_IMG bench -c 100 blkdebug::a.raw
run $QEMU_IMG info -f raw blkdebug::a.raw
