# null-co with unknown options or a badly typed bool given as a JSON string.
run $QEMU_IO -c length --image-opts driver=null-co,bogus=1
run $QEMU_IO -c length 'json:{"driver":"null-co","read-zeroes":"yes"}'
run $QEMU_IO -c length 'json:{"driver":"null-co","size":"1M","bogus":true}'
