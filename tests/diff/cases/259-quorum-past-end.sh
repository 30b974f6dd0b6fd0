# Requests past the end of the quorum are refused.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'read 63k 2k' -c 'write 64k 512' -c 'write -z 60k 8k' -c 'read 64k 0' -c 'read -P 0 63k 1k' "$(qn 3 2)"
