#!/usr/bin/python3
"""A tiny NBD server that announces whatever it is told to.

    hostile-server.py -k SOCKET [--pid-file FILE] [--size N] [--oldstyle]
                      [--block-size MIN,PREF,MAX [--block-size-first]]
                      [--read-only]

Numbers may be hex (0x...) or carry a K, M or G suffix.

Unlike a real server it does not check what it announces: the export
size may be anything up to 2^64-1, and NBD_INFO_BLOCK_SIZE (sent in
reply to every NBD_OPT_INFO/NBD_OPT_GO when --block-size is given) may
hold any three 32-bit values.  tests/nbd/run uses it to see how clients
react to sizes and block sizes they must refuse.

Newstyle (fixed, with NO_ZEROES) by default, oldstyle with --oldstyle.
Only what a client needs to open the export and read it is implemented:
NBD_OPT_GO/INFO/EXPORT_NAME/ABORT (other options get NBD_REP_ERR_UNSUP,
so no structured replies), and simple replies in transmission: reads
return zeroes, writes are dropped, everything else succeeds, except that
with --block-size a read, write, zero or trim that is not aligned to the
minimum or longer than the maximum fails with EINVAL, so a client that
ignores the constraints sees errors.  --block-size-first sends the block
sizes before the export size.  Each connection gets its own thread; the
server runs until killed.
"""
import argparse
import os
import socket
import struct
import sys
import threading

NBDMAGIC = 0x4e42444d41474943
IHAVEOPT = 0x49484156454F5054
OLDSTYLE_MAGIC = 0x00420281861253
REPMAGIC = 0x0003e889045565a9
REQ_MAGIC = 0x25609513
SIMPLE_MAGIC = 0x67446698

FLAG_FIXED_NEWSTYLE, FLAG_NO_ZEROES = 1, 2
OPT_EXPORT_NAME, OPT_ABORT, OPT_INFO, OPT_GO = 1, 2, 6, 7
REP_ACK, REP_INFO = 1, 3
REP_ERR_UNSUP = (1 << 31) + 1
INFO_EXPORT, INFO_BLOCK_SIZE = 0, 3
TF_HAS_FLAGS, TF_READ_ONLY, TF_SEND_FLUSH = 1, 2, 4
CMD_READ, CMD_WRITE, CMD_DISC, CMD_TRIM, CMD_WRITE_ZEROES = 0, 1, 2, 4, 6
SIZED_CMDS = (CMD_READ, CMD_WRITE, CMD_TRIM, CMD_WRITE_ZEROES)
EINVAL = 22


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


class Export:
    def __init__(self, args):
        self.size = args.size
        self.tflags = TF_HAS_FLAGS | TF_SEND_FLUSH
        if args.read_only:
            self.tflags |= TF_READ_ONLY
        self.block_size = args.block_size
        self.block_size_first = args.block_size_first


def reply(conn, opt, rtype, data=b""):
    conn.sendall(struct.pack(">QIII", REPMAGIC, opt, rtype, len(data)) + data)


def negotiate(conn, exp):
    """Fixed newstyle handshake; True when transmission starts."""
    conn.sendall(struct.pack(">QQH", NBDMAGIC, IHAVEOPT,
                             FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES))
    cflags = struct.unpack(">I", recv_exact(conn, 4))[0]
    while True:
        magic, opt, length = struct.unpack(">QII", recv_exact(conn, 16))
        if magic != IHAVEOPT:
            return False
        recv_exact(conn, length)
        if opt == OPT_EXPORT_NAME:
            data = struct.pack(">QH", exp.size, exp.tflags)
            if not cflags & FLAG_NO_ZEROES:
                data += bytes(124)
            conn.sendall(data)
            return True
        if opt == OPT_ABORT:
            reply(conn, opt, REP_ACK)
            return False
        if opt in (OPT_INFO, OPT_GO):
            infos = [struct.pack(">HQH", INFO_EXPORT, exp.size, exp.tflags)]
            if exp.block_size:
                infos.append(struct.pack(">HIII", INFO_BLOCK_SIZE,
                                         *exp.block_size))
            if exp.block_size_first:
                infos.reverse()
            for info in infos:
                reply(conn, opt, REP_INFO, info)
            reply(conn, opt, REP_ACK)
            if opt == OPT_GO:
                return True
            continue
        reply(conn, opt, REP_ERR_UNSUP)


def violates(exp, cmd, offset, length):
    """True if a request breaks the announced block size constraints."""
    if not exp.block_size or cmd not in SIZED_CMDS:
        return False
    bmin, _, bmax = exp.block_size
    if bmin and (offset % bmin or length % bmin):
        return True
    return cmd in (CMD_READ, CMD_WRITE) and length > bmax


def transmission(conn, exp):
    while True:
        magic, flags, cmd, handle, offset, length = struct.unpack(
            ">IHHQQI", recv_exact(conn, 28))
        if magic != REQ_MAGIC:
            return
        if cmd == CMD_DISC:
            return
        if cmd == CMD_WRITE:                # the data is dropped
            recv_exact(conn, length)
        if violates(exp, cmd, offset, length):
            conn.sendall(struct.pack(">IIQ", SIMPLE_MAGIC, EINVAL, handle))
            continue
        head = struct.pack(">IIQ", SIMPLE_MAGIC, 0, handle)
        if cmd == CMD_READ:
            conn.sendall(head + bytes(length))
        else:
            conn.sendall(head)


def serve(conn, exp, oldstyle):
    try:
        with conn:
            if oldstyle:
                conn.sendall(struct.pack(">QQQI", NBDMAGIC, OLDSTYLE_MAGIC,
                                         exp.size, exp.tflags) + bytes(124))
            elif not negotiate(conn, exp):
                return
            transmission(conn, exp)
    except (EOFError, OSError):
        pass


def number(text):
    """123, 0x7b, or with a K, M or G suffix (powers of 1024)."""
    shift = {"K": 10, "M": 20, "G": 30}.get(text[-1:].upper(), 0)
    return int(text[:-1] if shift else text, 0) << shift


def block_size(text):
    vals = [number(v) for v in text.split(",")]
    if len(vals) != 3 or any(v < 0 or v >= 1 << 32 for v in vals):
        raise argparse.ArgumentTypeError("MIN,PREF,MAX: three 32-bit values")
    return vals


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-k", "--socket", required=True)
    p.add_argument("--pid-file")
    p.add_argument("--size", type=number, default=1 << 20)
    p.add_argument("--oldstyle", action="store_true")
    p.add_argument("--block-size", type=block_size)
    p.add_argument("--block-size-first", action="store_true")
    p.add_argument("--read-only", action="store_true")
    args = p.parse_args()
    if not 0 <= args.size < 1 << 64:
        p.error("--size must fit in 64 bits")
    exp = Export(args)

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = args.socket + ".tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    sock.bind(tmp)
    sock.listen(16)
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write("%d\n" % os.getpid())
    os.rename(tmp, args.socket)         # appears only once it accepts
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve, args=(conn, exp, args.oldstyle),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
