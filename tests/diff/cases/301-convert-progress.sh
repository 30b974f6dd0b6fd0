# qemu-img convert -p: QEMU's "    (P/100%)\r" lines on stdout (also when
# stdout is not a terminal), counted over the data ranges of the sources;
# -q silences them; a failure after the first line still ends the line.
Q=$QEMU_IMG
$Q create -q -f raw a.raw 8M
$QEMU_IO -f raw -c 'write -P 1 0 64k' -c 'write -P 2 1M 4k' \
    -c 'write -P 3 2M 5M' -c 'write -P 0 7M 64k' a.raw >/dev/null
$Q create -q -f raw z.raw 3M
$Q create -q -f raw e.raw 0
run $Q convert -p a.raw o1.raw
run $Q convert -p -S 0 a.raw o2.raw
run $Q convert -p -m 1 a.raw o3.raw
run $Q convert -p z.raw o4.raw
run $Q convert -p -S 0 z.raw o5.raw
run $Q convert -p e.raw o6.raw
run $Q convert -p a.raw z.raw a.raw o7.raw
run $Q convert -p -q a.raw o8.raw
run $Q convert -q a.raw o9.raw
run $Q convert -p -n a.raw z.raw
run $Q convert -p nonexist o10.raw
run $Q convert -p -m 0 a.raw o11.raw
run $Q convert -p -t bogus a.raw o12.raw
run $Q convert -p -n a.raw o1.raw
run $Q compare a.raw o1.raw
