# The interactive prompt over a quorum opened with open -o.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run_stdin "open -o $(qn 3 2)
write -P 0x66 0 4k
read -P 0x66 0 4k
length
close
read 0 512
quit" $QEMU_IO
