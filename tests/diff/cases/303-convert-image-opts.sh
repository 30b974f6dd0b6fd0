# qemu-img convert with --image-opts sources (quorum in dotted and json:
# form, blkdebug, null-co) and --target-image-opts targets (needs -n).
Q=$QEMU_IMG
for i in 0 1 2; do
    $Q create -q -f raw c$i.raw 2M
    $QEMU_IO -f raw -c 'write -P 5 0 64k' -c 'write -P 6 1M 4k' c$i.raw >/dev/null
done
note "one replica disagrees: the vote wins"
$QEMU_IO -f raw -c 'write -P 7 0 4k' c2.raw >/dev/null
QD='driver=quorum,vote-threshold=2,children.0.driver=raw,children.0.file.filename=c0.raw,children.1.driver=raw,children.1.file.filename=c1.raw,children.2.driver=raw,children.2.file.filename=c2.raw'
QJ='json:{"driver":"quorum","vote-threshold":2,"children":[{"driver":"raw","file":{"driver":"file","filename":"c0.raw"}},{"driver":"raw","file":{"driver":"file","filename":"c1.raw"}},{"driver":"raw","file":{"driver":"file","filename":"c2.raw"}}]}'
run $Q convert --image-opts "$QD" q1.raw
run $Q compare c0.raw q1.raw
run $Q map --output=json q1.raw
run $Q convert -p "$QJ" q2.raw
run $Q compare c0.raw q2.raw
run $Q convert -U "$QJ" q3.raw
run $Q compare c0.raw q3.raw
note "quorum without a majority"
$QEMU_IO -f raw -c 'write -P 8 0 4k' c1.raw >/dev/null
run $Q convert --image-opts "$QD" q4.raw
run $Q convert --image-opts "$QD,vote-threshold=1" q5.raw
note "--image-opts errors"
run $Q convert --image-opts 'driver=quorum,vote-threshold=2' q6.raw
run $Q convert --image-opts 'driver=raw,file.filename=nonexist' q6.raw
run $Q convert --image-opts 'driver=raw,file.filename=c0.raw,bogus=1' q6.raw

note "--target-image-opts: the target must exist (-n)"
$Q create -q -f raw t.raw 2M
run $Q convert -n --target-image-opts c0.raw 'driver=raw,file.driver=file,file.filename=t.raw'
run $Q compare c0.raw t.raw
run $Q map --output=json t.raw
run $Q convert -n --target-image-opts c0.raw 'driver=file,filename=t.raw'
run $Q convert -n --target-image-opts c0.raw driver=null-co,size=2M
run $Q convert -n --target-image-opts c0.raw driver=null-co,size=1M
run $Q convert -n --target-image-opts c0.raw 'driver=raw,file.driver=file,file.filename=nonexist'
run $Q convert -n --target-image-opts -O raw c0.raw 'driver=file,filename=t.raw'
run $Q convert -n --target-image-opts --image-opts 'driver=file,filename=c1.raw' 'driver=raw,file.driver=file,file.filename=t.raw'
run $Q compare c1.raw t.raw
note "a quorum target (-n): every replica is written"
for i in 3 4 5; do $Q create -q -f raw c$i.raw 2M; done
run $Q convert -n --target-image-opts c0.raw 'driver=quorum,vote-threshold=2,children.0.driver=raw,children.0.file.filename=c3.raw,children.1.driver=raw,children.1.file.filename=c4.raw,children.2.driver=raw,children.2.file.filename=c5.raw'
for i in 3 4 5; do
    run $Q compare c0.raw c$i.raw
    run $Q map --output=json c$i.raw
done
run $Q convert -n -O null-co c0.raw null-co://
note "blkdebug source failing reads, and --salvage"
run $Q convert -m 1 --image-opts 'driver=raw,file.driver=blkdebug,file.image.filename=c0.raw,file.inject-error.0.event=read_aio,file.inject-error.0.errno=5' b1.raw
run $Q convert --salvage --image-opts 'driver=raw,file.driver=blkdebug,file.image.filename=c0.raw,file.inject-error.0.event=read_aio,file.inject-error.0.errno=5,file.inject-error.0.once=on' b2.raw
run $Q compare c0.raw b2.raw
run $Q convert -q --salvage --image-opts 'driver=raw,file.driver=blkdebug,file.image.filename=c0.raw,file.inject-error.0.event=read_aio,file.inject-error.0.errno=5,file.inject-error.0.once=on' b3.raw
run $Q convert -m 1 --salvage --image-opts 'driver=raw,file.driver=blkdebug,file.image.filename=c0.raw,file.inject-error.0.event=read_aio,file.inject-error.0.errno=5,file.inject-error.0.sector=2,file.inject-error.0.once=off' b4.raw
run $Q compare c0.raw b4.raw
note "a failing target write"
$Q create -q -f raw w.raw 2M
run $Q convert -n --target-image-opts c0.raw 'driver=raw,file.driver=blkdebug,file.image.filename=w.raw,file.inject-error.0.event=write_aio,file.inject-error.0.errno=28'
