# An nbd node's vsock cid and port: 32-bit decimal numbers, refused
# before any connect ("4294967297" once became port 1).
for a in cid=abc,server.port=1 cid=4294967297,server.port=1 \
         cid=2,server.port=4294967297 cid=2,server.port=-1 \
         cid=2,server.port=1x cid=2,server.port=; do
    run $QEMU_IO -c quit --image-opts driver=nbd,server.type=vsock,server.$a
done
