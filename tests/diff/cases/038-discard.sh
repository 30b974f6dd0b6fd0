# discard punches holes (qemu-io opens with unmap enabled); partial
# sectors, -q, -C, past the end, and an invalid -d mode.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x77 0 64k' -c 'discard 0 4k' -c 'read -P 0x77 0 4k' \
    -c 'discard -q 4k 4k' -c 'discard 1 2' -c 'discard 60k 8k' t.raw
run $QEMU_IO -c 'open -d unmap -o driver=raw t.raw' -c 'discard 8k 4k' -c 'read -P 0x77 12k 4k' \
    -c 'discard -C 16k 4k'
run $QEMU_IO -c 'open -d bogus -o driver=raw t.raw'
