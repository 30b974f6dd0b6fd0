# Generic node options on a quorum and inherited by its replicas.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'write 0 512' "$(qn 2 2 read-only=on)"
run $QEMU_IO --image-opts -c 'write 0 512' "$(qn 2 2 children.0.read-only=on)"
run $QEMU_IO --image-opts -c 'write -P 0x61 0 512' -c 'read -P 0x61 0 512' "$(qn 2 2 cache.no-flush=on,discard=unmap,detect-zeroes=off)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 discard=bogus)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 read-only=maybe)"
