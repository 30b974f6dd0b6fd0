# rewrite-corrupted over five replicas with two bad versions.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 5
run $QEMU_IO --image-opts -c 'write -P 0x70 0 64k' "$(qn 5 3)"
corrupt 0 0x71 4k 4k
corrupt 3 0x72 6k 4k
corrupt 4 0x71 4k 4k
run $QEMU_IO --image-opts -c 'read -P 0x70 0 16k' "$(qn 5 2 rewrite-corrupted=on)"
for i in 0 1 2 3 4; do check $i 0x70 0 64k; done
