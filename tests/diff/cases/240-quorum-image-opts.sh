# --image-opts forms, including raw over a quorum and nesting.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x45 0 4k' -c 'read -P 0x45 0 4k' -c 'info' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'read -P 0x45 0 4k' \
    "driver=raw,file.driver=quorum,file.vote-threshold=2,file.children.0.file.filename=c0.raw,file.children.0.driver=raw,file.children.1.file.filename=c1.raw,file.children.1.driver=raw"
run $QEMU_IO --image-opts -c 'read -P 0x45 0 4k' \
    "driver=quorum,vote-threshold=1,children.0.driver=quorum,children.0.vote-threshold=2,children.0.$(child 0),children.0.$(child 1),$(child 1)"
run $QEMU_IO --image-opts -r -c 'read -P 0x45 0 4k' -c 'write 0 512' "$(qn 3 3)"
