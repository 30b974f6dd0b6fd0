# qemu-img create: sizes, -o parsing and help, backing options, error order.
r
run $QEMU_IMG foo
run $QEMU_IMG -x
run $QEMU_IMG --bogus
run $QEMU_IMG create -f raw a.raw 1M
run $QEMU_IMG create a2.raw 1M
run $QEMU_IMG create -f raw b.raw
run $QEMU_IMG create -f raw c.raw 1X
run $QEMU_IMG create -f raw c.raw -1
run $QEMU_IMG create -f raw c.raw 1.5k
run $QEMU_IMG create -f raw c.raw 1b
run $QEMU_IMG create -f raw c.raw 1.5
run $QEMU_IMG create -f raw c.raw 0
run $QEMU_IMG create -f raw c.raw 8E
run $QEMU_IMG create -f raw c.raw 9223372036854775808
run $QEMU_IMG create -f raw c.raw 2P
run $QEMU_IMG create -f foo c.raw 1M
run $QEMU_IMG create -f null-co c.raw 1M
run $QEMU_IMG create -f file c.raw 1M
run $QEMU_IMG create -q -f raw q.raw 1M
run $QEMU_IMG create -f raw -o size=2M o.raw
run $QEMU_IMG create -f raw -o size=2M o2.raw 1M
run $QEMU_IMG create -f raw -o help
run $QEMU_IMG create -o help
run $QEMU_IMG create -f file -o help
run $QEMU_IMG create -f raw -o help x.raw
run $QEMU_IMG create -f raw -o bogus=1 x.raw 1M
run $QEMU_IMG create -f raw x.raw 1M extra
run $QEMU_IMG create
run $QEMU_IMG create -f raw
run $QEMU_IMG create -f raw -o preallocation=falloc p.raw 1M
run $QEMU_IMG create -f raw -o preallocation=full,nocow=on p.raw 1M
run $QEMU_IMG create -f raw -o preallocation=bogus p.raw 1M
run $QEMU_IMG create -f file -o extent_size_hint=1M p.raw 1M
run $QEMU_IMG create -f raw -o size=1M,size=2M p.raw
run $QEMU_IMG create -f raw -o size=1x p.raw
run $QEMU_IMG create -f raw -o nocow=maybe p.raw 1M
run $QEMU_IMG create -f raw -b a.raw p.raw 1M
run $QEMU_IMG create -f raw -b a.raw -F raw p.raw 1M
run $QEMU_IMG create -f raw -F raw p.raw 1M
run $QEMU_IMG create -f raw -u p.raw 1M
run $QEMU_IMG create -f raw -o backing_file=a.raw p.raw 1M
run $QEMU_IMG create -f raw null-co:// 1M
run $QEMU_IMG create -f raw /nonexist/p.raw 1M
run $QEMU_IMG create -f raw json:{} 1M
run $QEMU_IMG create -f raw -o help null-co://
run $QEMU_IMG create -f raw -o size=1M -o size=2M p.raw
run $QEMU_IMG create -f raw -o ,, p.raw 1M
run $QEMU_IMG create -f raw -o '' p.raw 1M
run $QEMU_IMG create -f raw p.raw 0x10
run $QEMU_IMG create -f raw p.raw ' 1'
run $QEMU_IMG create -f raw p.raw 1kB
run $QEMU_IMG create -f raw -o nocow=true p.raw 1M
run $QEMU_IMG create -f raw -o nocow p.raw 1M
run $QEMU_IMG create -f raw -o size=0x100 p.raw
run $QEMU_IMG create -f raw -o size=16E p.raw
run $QEMU_IMG create -f null-co -o help
run $QEMU_IMG create -f bogus -o help
run $QEMU_IMG create -f raw -o preallocation p.raw 1M
run $QEMU_IMG create -f raw -o extent_size_hint=4G p.raw 1M
run $QEMU_IMG create -f raw -o preallocation=full,nocow=on,extent_size_hint=1M,size=1k p.raw
run $QEMU_IMG create -f raw p.raw 1M -o preallocation=falloc
run $QEMU_IMG create -f raw -o '?'
