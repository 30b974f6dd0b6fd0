# qemu-img compare: sizes, strict mode, progress, null-co, errors and exit codes.
Q=$QEMU_IMG
$Q create -q -f raw a.raw 1M; $QEMU_IO -f raw -c 'write -P 1 0 4k' -c 'write -z 64k 64k' a.raw >/dev/null
$Q create -q -f raw c1.raw 1M; $Q create -q -f raw c2.raw 1M; $Q create -q -f raw c3.raw 2M; cp a.raw a2.raw
$QEMU_IO -f raw -c 'write -P 2 8k 512' c2.raw >/dev/null; $QEMU_IO -f raw -c 'write -P 0 0 4k' c1.raw > /dev/null
$Q create -q -f raw d1.raw 3M; $QEMU_IO -f raw -c 'write -P 3 2100k 1' d1.raw >/dev/null
$Q create -q -f raw d2.raw 3M; $QEMU_IO -f raw -c 'write -P 3 2100k 1' -c 'write -P 4 2500001 1' d2.raw >/dev/null
$Q create -q -f raw big.raw 10M
run $QEMU_IMG compare c1.raw c1.raw
run $QEMU_IMG compare c1.raw c2.raw
run $QEMU_IMG compare -q c1.raw c2.raw
run $QEMU_IMG compare c1.raw c3.raw
run $QEMU_IMG compare c3.raw c1.raw
run $QEMU_IMG compare -s c1.raw c3.raw
run $QEMU_IMG compare -s c1.raw c1.raw
run $QEMU_IMG compare -s c1.raw a.raw
run $QEMU_IMG compare a.raw c1.raw
run $QEMU_IMG compare c3.raw a.raw
run $QEMU_IMG compare -f raw -F raw a.raw a2.raw
run $QEMU_IMG compare a.raw nonexist
run $QEMU_IMG compare nonexist a.raw
run $QEMU_IMG compare a.raw
run $QEMU_IMG compare a.raw b c
run $QEMU_IMG compare -p a.raw a2.raw
run $QEMU_IMG compare -p c1.raw c3.raw
run $QEMU_IMG compare -p c1.raw c2.raw
run $QEMU_IMG compare -p big.raw big.raw
run $QEMU_IMG compare -p -q big.raw big.raw
run $QEMU_IMG compare null-co:// null-co://
run $QEMU_IMG compare --image-opts driver=null-co,size=1M driver=null-co,size=1M,read-zeroes=on
run $QEMU_IMG compare --image-opts driver=null-co,size=1M c1.raw
run $QEMU_IMG compare -T none a.raw a.raw
run $QEMU_IMG compare -T bogus a.raw a.raw
run $QEMU_IMG compare -p -T bogus a.raw a.raw
run $QEMU_IMG compare d1.raw d2.raw
run $QEMU_IMG compare d2.raw d1.raw
run $QEMU_IMG compare d1.raw c3.raw
run $QEMU_IMG compare c3.raw d1.raw
run $QEMU_IMG compare c1.raw d1.raw
run $QEMU_IMG compare d2.raw c1.raw
run $QEMU_IMG compare -s d1.raw d2.raw
run $QEMU_IMG compare 'json:{"driver":"null-co","size":"1M","read-zeroes":true}' c1.raw
run $QEMU_IMG compare -s 'json:{"driver":"null-co","size":"1M","read-zeroes":true}' c1.raw
run $QEMU_IMG compare -s 'json:{"driver":"null-co","size":"1M"}' c1.raw
run $QEMU_IMG compare 'json:{"driver":"null-co","size":"1M"}' c2.raw
run $QEMU_IMG compare c2.raw 'json:{"driver":"null-co","size":"2M"}'
run $QEMU_IMG compare -U c1.raw c1.raw
