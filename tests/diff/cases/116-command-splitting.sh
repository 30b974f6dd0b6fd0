# How a -c string is split: only spaces separate words, quotes and tabs are
# literal; a doubled comma escapes a comma in -o values; repeated -o.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read "0" 512' -c "$(printf 'read\t0\t512')" -c ' length ' t.raw
run $QEMU_IO -c "open -o driver=raw,file.filename='t.raw'"
run $QEMU_IO -c 'open -o driver=raw,,x t.raw'
run $QEMU_IO -c 'open -o driver=raw -o file.driver=file t.raw' -c length
