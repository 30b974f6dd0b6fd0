# Writes through a quorum of three reach every replica; reads agree.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' -c 'read -P 0x5a 0 64k' \
    -c 'read -v 0 32' "$(qn 3 2)"
check 0 0x5a 0 64k
check 1 0x5a 0 64k
check 2 0x5a 0 64k
