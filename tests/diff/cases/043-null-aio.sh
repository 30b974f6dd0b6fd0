# null-aio behaves like null-co through the aio path.
run $QEMU_IO -c 'length' -c 'aio_read -P 0 0 4k' -c 'aio_flush' -c 'aio_write 0 4k' \
    -c 'aio_flush' -c 'read -P 0 0 512' -c 'writev 0 512 512' \
    --image-opts driver=null-aio,size=1M,read-zeroes=on
run $QEMU_IO -c 'read -v 0 16' 'json:{"driver":"null-aio","size":512}'
