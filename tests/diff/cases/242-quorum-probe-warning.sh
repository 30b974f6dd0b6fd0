# A child given only by file name is probed, with the raw warning.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x47 0 4k' -c 'read -P 0x47 0 4k' \
    "driver=quorum,vote-threshold=2,children.0.file.filename=c0.raw,$(child 1),children.2.file.filename=c2.raw"
run $QEMU_IO -c 'read -P 0x47 0 4k' 'json:{"driver":"quorum","vote-threshold":2,"children":[{"file":{"filename":"c0.raw"}},{"file.filename":"c1.raw"}]}'
run $QEMU_IO --image-opts -c 'write 0 512' -c 'write 512 512' \
    "driver=quorum,vote-threshold=2,children.0.file.filename=c0.raw,$(child 1)"
