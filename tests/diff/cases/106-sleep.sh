# sleep with valid and invalid durations.
run $QEMU_IO -c 'sleep 10' -c 'sleep 0' -c 'sleep x' -c 'sleep 1k'
