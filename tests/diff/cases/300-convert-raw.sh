# qemu-img convert raw->raw: data, holes and zero detection (-S), -n onto
# existing targets, concatenated sources, request options (-m, -W, -C,
# -t, -T); the result is checked by content and by qemu-img map.
Q=$QEMU_IMG
$Q create -q -f raw src.raw 4M
$QEMU_IO -f raw -c 'write -P 1 0 64k' -c 'write -P 2 1M 4k' \
    -c 'write -P 0 1536k 64k' -c 'write -P 3 2M 4k' -c 'write -P 0 2052k 8k' \
    -c 'write -P 4 2060k 4k' -c 'write -P 5 3M 512' src.raw >/dev/null
$Q create -q -f raw odd.raw 1000
$QEMU_IO -f raw -c 'write -P 7 0 512' odd.raw >/dev/null

for opts in "" "-S 0" "-S 8k" "-S 4k" "-S 512" "-S 1.5k" "-S 16M" "-m 1" \
            "-m 16 -W" "-W" "-C" "-t none" "-T none" "-t writethrough" \
            "-f raw -O raw" "-O file" "-o preallocation=full" "-o size=1M" \
            "-U"; do
    rm -f out.raw
    # shellcheck disable=SC2086
    run $Q convert $opts src.raw out.raw
    run $Q compare src.raw out.raw
    run $Q map --output=json out.raw
    file_size out.raw
done

note "-n onto a bigger target with old data: zero ranges are zeroed"
$Q create -q -f raw big.raw 6M
$QEMU_IO -f raw -c 'write -P 9 0 6M' big.raw >/dev/null
run $Q convert -n src.raw big.raw
run $Q map --output=json big.raw
hexdump_file big.raw 4190208 8192
run $Q compare src.raw big.raw
note "--target-is-zero: zero ranges are left alone"
$QEMU_IO -f raw -c 'write -P 9 0 6M' big.raw >/dev/null
run $Q convert -n --target-is-zero src.raw big.raw
run $Q map --output=json big.raw
note "-S 0 onto it: every byte written"
run $Q convert -n -S 0 src.raw big.raw
run $Q map --output=json big.raw
run $Q compare src.raw big.raw

note "concatenated sources, odd sizes"
run $Q convert src.raw odd.raw src.raw cat.raw
file_size cat.raw
run $Q map --output=json cat.raw
hexdump_file cat.raw 4194304 1024
run $Q convert odd.raw odd2.raw
file_size odd2.raw
hexdump_file odd2.raw
run $Q convert -n odd.raw src.raw odd.raw
note "empty source"
$Q create -q -f raw empty.raw 0
run $Q convert empty.raw e2.raw
file_size e2.raw
note "null-co sources"
run $Q convert null-co:// n.raw
run $Q map --output=json n.raw
run $Q convert --image-opts driver=null-co,size=1M,read-zeroes=on n2.raw
run $Q map --output=json n2.raw
