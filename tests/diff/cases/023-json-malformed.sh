# Malformed or unusable json: filenames.
run $QEMU_IO -c 'length' 'json:{"driver":"raw"'
run $QEMU_IO -c 'length' 'json:[1,2]'
run $QEMU_IO -c 'length' 'json:'
run $QEMU_IO -c 'length' 'json:{}'
run $QEMU_IO -c 'length' 'json:{"driver":"raw","file":"nosuchnode"}'
run $QEMU_IO -c 'length' 'json:{"driver":"raw","file":{"driver":"file"}}'
run $QEMU_IO -c 'length' 'json:{"driver":"bogus"}'
run $QEMU_IO -c 'length' 'json:"string"'
