# I/O beyond the end of the image fails with EIO; the file does not grow.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read 64k 512' -c 'read 65000 1000' -c 'write 65000 1000' \
    -c 'write 64k 1' -c 'readv 65024 512 512' -c 'write -z 64k 512' -c 'length' \
    -c 'read 0 64k' -c 'read 65535 1' t.raw
file_size t.raw
