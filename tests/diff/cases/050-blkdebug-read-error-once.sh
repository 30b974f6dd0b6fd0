# blkdebug config file: one-shot EIO on the read_aio event at sector 8.
run $QEMU_IMG create -f raw t.raw 64k
cat > bd.conf <<'CONF'
[inject-error]
event = "read_aio"
errno = "5"
sector = "8"
once = "on"
CONF
run $QEMU_IO -f raw -c 'read 0 512' -c 'read 4k 512' -c 'read 4k 512' -c 'read 0 8k' \
    blkdebug:bd.conf:t.raw
