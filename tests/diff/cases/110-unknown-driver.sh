# Unknown drivers everywhere they can be named.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f x -c length t.raw
run $QEMU_IO -c 'open -o driver=x t.raw'
run $QEMU_IO -c length 'json:{"driver":"x"}'
run $QEMU_IO -c length --image-opts driver=raw,file.driver=x,file.filename=t.raw
run $QEMU_IMG info -f x t.raw
run $QEMU_IMG map -f x t.raw
