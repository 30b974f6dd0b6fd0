# Commands read from stdin (no -c): prompts are printed to stdout.
run $QEMU_IMG create -f raw t.raw 64k
run_stdin "$(printf 'open -o driver=raw t.raw\nwrite -P 1 0 512\nread -P 1 0 512\nlength\nfoo\nquit\nread 0 1')" $QEMU_IO
run_stdin 'length' $QEMU_IO -f raw t.raw
run_stdin '' $QEMU_IO -f raw t.raw
