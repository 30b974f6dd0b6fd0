# Chained states; the error is tied to state 3 and does not fire in state 2.
run $QEMU_IMG create -f raw t.raw 64k
cat > s.conf <<'CONF'
[set-state]
state = "1"
event = "write_aio"
new_state = "2"

[set-state]
state = "2"
event = "read_aio"
new_state = "3"

[inject-error]
state = "3"
event = "read_aio"
errno = "5"
once = "on"
CONF
run $QEMU_IO -f raw -c 'write 0 512' -c 'read 0 512' -c 'read 0 512' -c 'read 0 512' \
    -c 'read 0 512' blkdebug:s.conf:t.raw
