# qemu-bug: QEMU 7.2 aborts ("Unexpected error in qapi_bool_parse()/parse_option_number()") on a malformed null-co read-zeroes or latency-ns from --image-opts; we report a clean error and exit 1
# expect-ours: 092-qemu-bug-null-co-bad-bool-number.ours
run $QEMU_IO -c length --image-opts driver=null-co,read-zeroes=maybe
run $QEMU_IO -c length --image-opts driver=null-co,latency-ns=x
