# qemu-img bench: option parsing and limits, flushes, offsets wrapping, failures (times masked).
Q=$QEMU_IMG
$Q create -q -f raw a.raw 1M
run $QEMU_IMG bench -c 1000 a.raw
run $QEMU_IMG bench -c 1000 -w a.raw
run $QEMU_IMG bench -c 100 -d 4 -s 8k -S 16k -o 4k a.raw
run $QEMU_IMG bench -c 100 -w --flush-interval=10 a.raw
run $QEMU_IMG bench -c 100 --flush-interval=10 a.raw
run $QEMU_IMG bench -c 100 -w --pattern=5 -f raw a.raw
run $QEMU_IMG bench -q -c 100 a.raw
run $QEMU_IMG bench -c 100 -t none a.raw
run $QEMU_IMG bench -c 100 -n a.raw
run $QEMU_IMG bench -c 100 -i io_uring a.raw
run $QEMU_IMG bench -c 100 -i native a.raw
run $QEMU_IMG bench -c 100 -i threads a.raw
run $QEMU_IMG bench -c 100 -i bogus a.raw
run $QEMU_IMG bench -c 100 -t bogus a.raw
run $QEMU_IMG bench -c 0 a.raw
run $QEMU_IMG bench -c x a.raw
run $QEMU_IMG bench -d x a.raw
run $QEMU_IMG bench -s 0 -c 1000 a.raw
run $QEMU_IMG bench -s x a.raw
run $QEMU_IMG bench -S x a.raw
run $QEMU_IMG bench -o x a.raw
run $QEMU_IMG bench --pattern=x a.raw
run $QEMU_IMG bench --pattern=256 a.raw
run $QEMU_IMG bench --flush-interval=x a.raw
run $QEMU_IMG bench -c 10 -s 2M a.raw
run $QEMU_IMG bench -c 10 -o 1M a.raw
run $QEMU_IMG bench -c 300 -S 4k a.raw
run $QEMU_IMG bench -c 100 --image-opts driver=null-co,size=1M
run $QEMU_IMG bench -c 100 null-co://
run $QEMU_IMG bench
run $QEMU_IMG bench -c -1 a.raw
run $QEMU_IMG bench -c 4294967296 a.raw
run $QEMU_IMG bench -c 010 a.raw
run $QEMU_IMG bench -c 0x10 a.raw
run $QEMU_IMG bench -c ' 5' a.raw
run $QEMU_IMG bench -c '5 ' a.raw
run $QEMU_IMG bench -d -1 a.raw
run $QEMU_IMG bench -d 2147483648 a.raw
run $QEMU_IMG bench -s -1 a.raw
run $QEMU_IMG bench -s 2G a.raw
run $QEMU_IMG bench -c 100 -s 1.5k a.raw
run $QEMU_IMG bench -S 2G a.raw
run $QEMU_IMG bench -c 100 -S 0 a.raw
run $QEMU_IMG bench -c 100 -o 1E a.raw
run $QEMU_IMG bench -c 100 --pattern=0x10 a.raw
run $QEMU_IMG bench -c 100 -w -f raw --flush-interval=0 a.raw
run $QEMU_IMG bench -c 100 -w -f raw --flush-interval=64 a.raw
run $QEMU_IMG bench -c 100 -w -f raw --flush-interval=64 --no-drain a.raw
run $QEMU_IMG bench -c 100 -w -f raw -d 2 --flush-interval=3 a.raw
run $QEMU_IMG bench -c 5 -w -U -f raw a.raw
run $QEMU_IMG bench -c 5 -U --image-opts driver=null-co,force-share=off
run $QEMU_IMG bench -c 100 -w -t writethrough -f raw a.raw
run $QEMU_IMG bench -c 100 -w -t unsafe -f raw a.raw
run $QEMU_IMG bench -c 100 -w -t directsync -f raw a.raw
run $QEMU_IMG bench -c 1 -s 1M a.raw
run $QEMU_IMG bench -c 3 -s 1M -S 1 a.raw
run $QEMU_IMG bench -c 20 -s 4k -S 0 -o 1020k a.raw
run $QEMU_IMG bench -c 20 -s 512k -S 300k a.raw
run $QEMU_IMG bench -c 10 -w -f raw --image-opts a.raw
