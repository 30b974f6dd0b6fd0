# write -z (and -u, -n) through a quorum zeroes every replica.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' -c 'write -z 4k 8k' \
    -c 'write -z -u 16k 4k' -c 'write -z -n 32k 4k' -c 'read -P 0 4k 8k' \
    -c 'read -P 0x5a 0 4k' -c 'read -P 0 32k 4k' "$(qn 3 2)"
check 0 0 4k 8k
check 2 0 16k 4k
check 1 0 32k 4k
check 1 0x5a 12k 4k
run $QEMU_IO --image-opts -c 'write -z 1000 100' -c 'read -P 0 1000 100' -c 'read -P 0x5a 900 100' "$(qn 3 3)"
