# driver=blkdebug at the top: raw's read_aio event never fires, so the
# rule stays dormant; pwritev comes from the generic layer and does fire.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO --image-opts -c 'read 0 512' -c 'read 4k 512' \
    "driver=blkdebug,inject-error.0.event=read_aio,inject-error.0.errno=28,image.driver=file,image.filename=t.raw"
run $QEMU_IO --image-opts -c 'read 0 512' -c 'write 0 512' -c 'write 0 512' -c 'read 0 512' \
    "driver=blkdebug,inject-error.0.event=pwritev,inject-error.0.errno=28,image.driver=file,image.filename=t.raw"
