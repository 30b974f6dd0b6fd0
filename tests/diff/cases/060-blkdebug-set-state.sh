# [set-state]: a write moves the state machine from 1 to 2, and only then
# does the read rule (state = 2) apply.
run $QEMU_IMG create -f raw t.raw 64k
cat > s.conf <<'CONF'
[set-state]
state = "1"
event = "write_aio"
new_state = "2"

[inject-error]
state = "2"
event = "read_aio"
errno = "5"
CONF
run $QEMU_IO -f raw -c 'read 0 512' -c 'read 0 512' -c 'write 0 512' -c 'read 0 512' \
    blkdebug:s.conf:t.raw
