# json: filenames: nested list, dotted keys, mixed, merged with -o.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
J='json:{"driver":"quorum","vote-threshold":2,"children":[{"driver":"raw","file":{"driver":"file","filename":"c0.raw"}},{"driver":"raw","file":{"driver":"file","filename":"c1.raw"}},{"driver":"raw","file.filename":"c2.raw"}]}'
run $QEMU_IO -c 'write -P 0x44 0 4k' -c 'read -P 0x44 0 4k' "$J"
run $QEMU_IO -c 'read -P 0x44 0 4k' 'json:{"driver":"quorum","vote-threshold":"3","children.0.driver":"raw","children.0.file.filename":"c0.raw","children.1":{"driver":"raw","file.filename":"c1.raw"},"children":[{},{},{"driver":"raw","file":{"filename":"c2.raw"}}]}'
run $QEMU_IO -c 'read -P 0x44 0 4k' 'json:{"driver":"quorum","vote-threshold":3,"children.0.driver":"raw","children.0.file.filename":"c0.raw","children.1":{"driver":"raw","file.filename":"c1.raw"},"children.2.driver":"raw","children.2.file.filename":"c2.raw"}'
run $QEMU_IO -c 'read -P 0x44 0 4k' 'json:{"driver":"quorum","vote-threshold":2,"rewrite-corrupted":true,"read-pattern":"quorum","blkverify":false,"children":[{"driver":"raw","file":{"driver":"file","filename":"c0.raw"}},{"driver":"raw","file":{"driver":"file","filename":"c1.raw"}}]}'
run $QEMU_IO -c 'read 0 4k' 'json:{"driver":"quorum","vote-threshold":2,"blkverify":"on","children":[{"driver":"raw","file":{"driver":"file","filename":"c0.raw"}},{"driver":"raw","file":{"driver":"file","filename":"c1.raw"}}]}'
