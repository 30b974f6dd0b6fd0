# Node names on the quorum and its replicas; duplicates and bad names.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'write -P 0x5e 0 4k' -c 'read -P 0x5e 0 4k' \
    "$(qn 2 2 node-name=q0,children.0.node-name=r0,children.1.node-name=r1,children.1.file.node-name=f1)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 node-name=q0,children.0.node-name=q0)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 node-name=#bad)"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,children.0=q0,node-name=q0"
