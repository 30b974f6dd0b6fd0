# qemu-img map of a quorum: no offsets, data and zero runs merged over replicas.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
for i in 0 1 2; do run $QEMU_IMG create -f raw c$i.raw 1M; done
run $QEMU_IO --image-opts -c 'write -P 0x11 64k 64k' -c 'write -P 0x22 512k 4k' "$(qn 3 2)"
run $QEMU_IO -f raw -c 'write -P 0x33 256k 4k' c1.raw
run $QEMU_IMG map --image-opts "$(qn 3 2)"
run $QEMU_IMG map --output=json --image-opts "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'map' -c 'alloc 0 1M' -c 'alloc 256k 4k' "$(qn 3 2)"
