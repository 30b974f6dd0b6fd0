# Open errors: children that are not a gap-free array, or none at all.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 0),children.x.driver=raw"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 0),$(child 2)"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1,$(child 1)"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=1"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,children.0=,vote-threshold=x"
run $QEMU_IO -c 'read 0 512' 'json:{"driver":"quorum","vote-threshold":1,"children":[]}'
run $QEMU_IO -c 'read 0 512' 'json:{"driver":"quorum","vote-threshold":1,"children":{"a":1}}'
run $QEMU_IO -f quorum -c 'read 0 512' c0.raw
