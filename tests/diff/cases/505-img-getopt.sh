# qemu-img option parsing: missing arguments, unknown options, abbreviations.
run $QEMU_IMG create -f
run $QEMU_IMG create -qz x 1M
run $QEMU_IMG info --output
run $QEMU_IMG map --start a.raw
run $QEMU_IMG bench -c
run $QEMU_IMG -T
run $QEMU_IMG -q info a.raw
run $QEMU_IMG info -- nonexist
run $QEMU_IMG --foo=bar
run $QEMU_IMG '' x
run $QEMU_IMG create -o
run $QEMU_IMG -x info
run $QEMU_IMG info --bogus x
run $QEMU_IMG nosuchcmd
run $QEMU_IMG compare -x
run $QEMU_IMG bench --flush-interval
run $QEMU_IMG map --max-length
run $QEMU_IMG info --image-opts --output=json driver=null-co
run $QEMU_IMG info --force-share --image-opts driver=null-co
run $QEMU_IMG map -U --image-opts driver=null-co,size=1k
run $QEMU_IMG info --backing-chain --output=json null-co://
run $QEMU_IMG info --backing-chain null-co://
run $QEMU_IMG info --output=human null-co://
run $QEMU_IMG map --output=human null-co://
run $QEMU_IMG create --object secret,id=s,data=x -f raw --bogus
