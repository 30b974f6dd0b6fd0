# A quorum of quorums: votes at both levels.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 4
inner() { printf 'children.%d.driver=quorum,children.%d.vote-threshold=1,children.%d.%s,children.%d.%s' \
    $1 $1 $1 "$(child $2)" $1 "$(child $3)"; }
run $QEMU_IO --image-opts -c 'write -P 0x4d 0 64k' "driver=quorum,vote-threshold=2,$(inner 0 0 1),$(inner 1 2 3)"
corrupt 1 0x4e 0 512
run $QEMU_IO --image-opts -c 'read -P 0x4e 0 512' -c 'read -P 0x4d 512 512' \
    "driver=quorum,vote-threshold=1,$(inner 0 0 1),$(inner 1 2 3)"
run $QEMU_IO --image-opts -c 'read 0 512' "driver=quorum,vote-threshold=2,$(inner 0 0 1),$(inner 1 2 3)"
run $QEMU_IMG info --image-opts "driver=quorum,vote-threshold=2,$(inner 0 0 1),$(inner 1 2 3)"
