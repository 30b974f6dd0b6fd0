# open -o forms inside qemu-io, and their errors.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO -c "open -o $(qn 3 2)" -c 'write -P 0x46 0 4k' -c 'read -P 0x46 0 4k' -c 'close' \
    -c "open -o $(qn 3 3)" -c 'read -P 0x46 0 4k'
run $QEMU_IO -c "open -o driver=raw,file.driver=quorum,file.vote-threshold=2,file.children.0.file.filename=c0.raw,file.children.0.driver=raw,file.children.1.file.filename=c1.raw,file.children.1.driver=raw" \
    -c 'read -P 0x46 0 4k'
run $QEMU_IO -c "open -o $(qn 3 4)" -c 'read 0 512'
run $QEMU_IO -c "open -o $(qn 3 2 bogus=1)" -c 'read 0 512'
run $QEMU_IO -c "open -r -o $(qn 3 2)" -c 'read -P 0x46 0 4k' -c 'write 0 4k'
