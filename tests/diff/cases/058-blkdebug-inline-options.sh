# blkdebug rules given inline as dotted options or json:, with raw on top.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO --image-opts -c 'read 0 512' -c 'read 4k 512' -c 'read 4k 512' \
    "driver=raw,file.driver=blkdebug,file.inject-error.0.event=read_aio,file.inject-error.0.sector=8,file.inject-error.0.once=on,file.image.driver=file,file.image.filename=$TEST_DIR/t.raw"
run $QEMU_IO -c 'read 0 512' -c 'read 4k 512' -c 'read 4k 512' \
    "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"blkdebug\",\"inject-error\":[{\"event\":\"read_aio\",\"sector\":8}],\"image\":{\"driver\":\"file\",\"filename\":\"t.raw\"}}}"
run $QEMU_IO -c 'open -o driver=raw,file.driver=blkdebug,file.inject-error.0.event=pwritev,file.inject-error.0.errno=22,file.image.filename=t.raw' \
    -c 'read 0 512' -c 'write 0 512' -c 'read 0 512'
