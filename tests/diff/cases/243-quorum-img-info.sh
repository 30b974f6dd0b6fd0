# qemu-img info of a quorum: the json: name, human and JSON output.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IMG info --image-opts "$(qn 3 2)"
run $QEMU_IMG info --image-opts "$(qn 3 2 rewrite-corrupted=on,read-pattern=quorum)"
run $QEMU_IMG info --output=json --image-opts "$(qn 2 1 read-pattern=fifo,blkverify=off)"
run $QEMU_IMG info 'json:{"driver":"quorum","vote-threshold":2,"children":[{"driver":"raw","file":{"driver":"file","filename":"c0.raw"}},{"driver":"raw","file":{"driver":"file","filename":"c1.raw"}}]}'
run $QEMU_IMG info --image-opts "$(qn 3 4)"
run $QEMU_IMG create -f quorum q.img 1M
