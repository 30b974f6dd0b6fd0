# Open errors from the children themselves.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'read 0 512' "$(quorum 1 "$(child 0)" "$(child 5)")"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,children.0=nosuchnode"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 0),children.1.driver=nosuchdriver"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 0),children.1.driver=raw"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 0),children.1.node-name=1bad,children.1.file.filename=c1.raw,children.1.driver=raw"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 0),children.0.node-name=x,$(child 1),children.1.node-name=x"
