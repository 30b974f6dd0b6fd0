# Size fractions that strtod() rounds up to 1.0: QEMU 7.2 drops them
# (1.99999999999999999999k is 1024); ours must not depend on how the
# compiler converts 2^64 to an integer (util/cutils.c).
run $QEMU_IMG info --image-opts driver=null-co,size=1.99999999999999999999k
run $QEMU_IMG info --image-opts driver=null-co,size=7.99999999999999999999E
run $QEMU_IMG info --image-opts driver=null-co,size=0.99999999999999999999
run $QEMU_IMG info --image-opts driver=null-co,size=1.9999999999999999k
run $QEMU_IMG create -f raw a.raw 1.99999999999999999999k
file_size a.raw
run $QEMU_IO -c 'read -v 0 0.99999999999999999999k' 'json:{"driver":"null-co","read-zeroes":true,"size":"1.99999999999999999999k"}'
