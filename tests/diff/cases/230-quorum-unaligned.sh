# Unaligned writes and reads pass through unchanged.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x31 100 1000' -c 'write -P 0x32 4095 2' \
    -c 'read -P 0x31 100 1000' -c 'read -P 0x32 4095 2' -c 'read -v 1090 20' "$(qn 3 2)"
hexdump_file c1.raw 96 16
hexdump_file c2.raw 4094 4
