# qemu-bug: QEMU 7.2 aborts (SIGABRT, "Unexpected error in parse_option_size()") on a non-numeric null-co size given through json:; we print a clean open error and exit 1
# expect-ours: 090-qemu-bug-null-co-size-abc.ours
run $QEMU_IO 'json:{"driver":"null-co","size":"abc"}' -c length
