# Offsets/lengths with suffixes and hex, and the size formatting of stats.
run $QEMU_IMG create -f raw t.raw 4M
run $QEMU_IO -f raw -c 'write -P 1 0x200 0x200' -c 'read -P 1 512 0x200' \
    -c 'write 1k 1536' -c 'write 1M 1M' -c 'read 0 3M' -c 'read 2M 1000' \
    -c 'read 0 4M' -c 'readv 0 1M 1M 1M 1M' -c 'read 0 1025' -c 'read 0 1048577' t.raw
