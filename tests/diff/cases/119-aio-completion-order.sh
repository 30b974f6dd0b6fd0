# Requests that finish in the same loop pass complete newest first, as QEMU.
run $QEMU_IO -c 'open -o driver=null-co' -c 'aio_read 0 512' -c 'aio_read 512 512' -c 'aio_read 1024 512' -c aio_flush
run $QEMU_IO -c 'open -o driver=null-co,size=4k' -c 'aio_write 0 512' -c 'aio_read 8192 512' -c 'aio_write -z 1024 512' -c aio_flush
