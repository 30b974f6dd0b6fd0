# qemu-img convert: option errors and their order, missing files, unknown
# formats and protocols, targets that cannot be created or are too small.
Q=$QEMU_IMG
$Q create -q -f raw a.raw 1M
$QEMU_IO -f raw -c 'write -P 1 0 4k' a.raw >/dev/null
$Q create -q -f raw small.raw 512k
for m in 0 17 -1 abc 0x10 ' 3' '3 ' 16 1; do
    run $Q convert -m "$m" a.raw m.raw
done
for s in 100 abc 16M 16.5M 64M -1 5000000000000000000000 1.5k 0 513; do
    run $Q convert -S "$s" a.raw s.raw
done
run $Q convert -S
run $Q convert --target-image-opts a.raw x.raw
run $Q convert --target-is-zero a.raw x.raw
run $Q convert -n -o size=1M a.raw x.raw
run $Q convert -C -S 4k a.raw x.raw
run $Q convert -C -c a.raw x.raw
run $Q convert -C --salvage a.raw x.raw
run $Q convert --skip-broken-bitmaps a.raw x.raw
run $Q convert --bitmaps a.raw x.raw
run $Q convert --bitmaps a.raw a.raw x.raw
run $Q convert -c a.raw x.raw
run $Q convert -B base a.raw x.raw
run $Q convert -F raw a.raw x.raw
run $Q convert -l snap a.raw x.raw
run $Q convert -l snap a.raw a.raw x.raw
run $Q convert -r x a.raw x.raw
run $Q convert -o , a.raw x.raw
run $Q convert -o bogus=1 a.raw x.raw
run $Q convert -o help
run $Q convert -O raw -o help a.raw x.raw
run $Q convert -o help a.raw null-co://
run $Q convert -O bogus -o help a.raw x.raw
run $Q convert --target-image-opts -n -o help a.raw x.raw
run $Q convert
run $Q convert a.raw
run $Q convert --bogus a.raw x.raw
run $Q convert -m
run $Q convert nonexist x.raw
run $Q convert a.raw nonexist x.raw
run $Q convert -n a.raw nonexist
run $Q convert -n a.raw small.raw
run $Q convert -O qcow3 a.raw x.raw
run $Q convert -n -O qcow3 a.raw small.raw
run $Q convert -O qcow3 nonexist x.raw
run $Q convert -O null-co a.raw x.raw
run $Q convert -O quorum a.raw x.raw
run $Q convert a.raw null-co://
run $Q convert a.raw 'json:{"driver":"raw","file":{"driver":"file","filename":"j.raw"}}'
run $Q convert -T bogus a.raw x.raw
run $Q convert -t bogus a.raw y.raw
file_size y.raw
run $Q convert -f qcow3 a.raw x.raw
run $Q convert --image-opts -f raw a.raw x.raw
run $Q convert a.raw a.raw
run $Q convert -n a.raw a.raw
run $Q convert -n --target-image-opts -O raw a.raw driver=file,filename=small.raw
run $Q convert a.raw nodir/x.raw
ls
