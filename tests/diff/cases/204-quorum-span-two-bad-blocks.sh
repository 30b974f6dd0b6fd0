# A request spanning two blocks, each bad in a different replica.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2)"
corrupt 1 0x11 0 4k
corrupt 2 0x22 4k 4k
# Each block alone has a majority; together every replica differs.
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 4k' -c 'read -P 0x5a 4k 4k' \
    -c 'read 0 8k' -c 'read 2k 4k' "$(qn 3 2)"
# Threshold 1: the three-way tie goes to the last replica's version.
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 4k' -c 'read -P 0x22 4k 4k' \
    -c 'read -v 4088 16' "$(qn 3 1)"
