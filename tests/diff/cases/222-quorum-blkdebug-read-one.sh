# A read error on one replica is survived.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 3)"
for i in 0 1 2; do
    c=("$(child 0)" "$(child 1)" "$(child 2)")
    c[$i]=$(bdchild $i read_aio 5)
    run $QEMU_IO --image-opts -c 'read -P 0x5a 0 4k' "$(quorum 2 "${c[@]}")"
done
run $QEMU_IO --image-opts -c 'read 0 4k' "$(quorum 3 "$(bdchild 0 read_aio 5)" "$(child 1)" "$(child 2)")"
