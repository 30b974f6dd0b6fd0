# null-co: explicit size, length, reads return the 0xab-filled buffer
# unless read-zeroes is on, writes succeed and are dropped.
run $QEMU_IO -c 'length' -c 'read -v 0 16' -c 'write -P 1 0 512' -c 'read -v 0 16' \
    --image-opts driver=null-co,size=1536
run $QEMU_IO -c 'read -v 0 16' -c 'read -P 0 0 1536' \
    --image-opts driver=null-co,size=1536,read-zeroes=on
run $QEMU_IO -c 'read -P 0 0 512' 'json:{"driver":"null-co","read-zeroes":true}'
