# write -z -u (may unmap) and write -z -n (no fallback); reads give zeroes.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x45 0 64k' -c 'write -z -u 0 4k' \
    -c 'read -P 0 0 4k' -c 'read -P 0x45 4k 4k' -c 'write -z -u 8k 100' \
    -c 'read -P 0 8k 100' -c 'read -P 0x45 8292 100' t.raw
