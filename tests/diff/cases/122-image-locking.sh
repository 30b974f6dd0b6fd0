# Image locks follow the graph: a quorum does not share WRITE on its
# replicas, a plain writer shares everything, a reader needs no write lock.
for i in 0 1 2; do run $QEMU_IMG create -f raw c$i.raw 64k; done
Q="driver=quorum,vote-threshold=2"
for i in 0 1 2; do Q="$Q,children.$i.driver=raw,children.$i.file.filename=c$i.raw"; done
# The holders sleep long and are killed when done: a loaded machine may
# take a while to start them, never to end them.
$QEMU_IO --image-opts "$Q" -c 'sleep 20000' >/dev/null 2>&1 &
holder=$!
sleep 1.5
run $QEMU_IO -f raw c1.raw -c 'write 0 512'
run $QEMU_IO -r -f raw c1.raw -c 'read 0 512'
run $QEMU_IO -U -r -f raw c2.raw -c 'read 0 512'
kill $holder; wait $holder 2>/dev/null
$QEMU_IO -f raw c0.raw -c 'sleep 20000' >/dev/null 2>&1 &
holder=$!
sleep 1.5
run $QEMU_IO -f raw c0.raw -c 'write -P 3 0 512'
run $QEMU_IO --image-opts "$Q" -c 'read 0 512'
kill $holder; wait $holder 2>/dev/null
