# Open errors: vote-threshold missing, too small, too large, not a number.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
for t in 0 -1 4 2.5 true x 0x2 4294967297 4294967296 18446744073709551615 ''; do
    run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 "$t")"
done
run $QEMU_IO --image-opts -c 'read 0 512' "$(child 0),$(child 1),driver=quorum"
run $QEMU_IO -c 'read 0 512' "json:{\"driver\":\"quorum\",\"vote-threshold\":\"2\",\"children\":[{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"c0.raw\"}},{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"c1.raw\"}}]}"
run $QEMU_IO -c 'read 0 512' "json:{\"driver\":\"quorum\",\"vote-threshold\":2.0,\"children\":[{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"c0.raw\"}},{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"c1.raw\"}}]}"
run $QEMU_IO -c 'read 0 512' "json:{\"driver\":\"quorum\",\"vote-threshold\":-5,\"children\":[{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"c0.raw\"}}]}"
