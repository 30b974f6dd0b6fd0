# Quorum over null-co children (read-zeroes on and off).
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
run $QEMU_IO --image-opts -c 'write 0 4k' -c 'read -P 0 0 4k' -c 'length' -c 'flush' \
    "driver=quorum,vote-threshold=3,children.0.driver=null-co,children.0.read-zeroes=on,children.1.driver=null-co,children.1.read-zeroes=on,children.2.driver=null-co,children.2.read-zeroes=on"
run $QEMU_IO --image-opts -c 'length' \
    "driver=quorum,vote-threshold=1,children.0.driver=null-co,children.1.driver=null-co,children.1.size=1M"
run $QEMU_IMG info --image-opts "driver=quorum,vote-threshold=2,children.0.driver=null-co,children.0.size=1M,children.1.driver=null-co,children.1.size=1M"
