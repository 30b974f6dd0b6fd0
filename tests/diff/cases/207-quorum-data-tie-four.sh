# Two against two: the version first seen at the higher index wins.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 4
run $QEMU_IO --image-opts -c 'write -P 0xa0 0 64k' "$(qn 4 1)"
corrupt 2 0xb0 0 4k
corrupt 3 0xb0 0 4k
run $QEMU_IO --image-opts -c 'read -P 0xb0 0 4k' -c 'read -P 0xa0 0 4k' "$(qn 4 2)"
run $QEMU_IO --image-opts -c 'read -P 0xb0 0 4k' "$(qn 4 3)"
# Interleaved: 0 and 3 agree, 1 and 2 agree.
corrupt 0 0xc0 0 4k
corrupt 3 0xc0 0 4k
corrupt 1 0xd0 0 4k
corrupt 2 0xd0 0 4k
run $QEMU_IO --image-opts -c 'read -P 0xd0 0 4k' "$(qn 4 2)"
