#!/usr/bin/env python3
"""Write the seed corpus for fuzz-nbd-server: valid client byte streams
covering every option and command, plus a few known-bad ones.  The
harness exports "" (1M), "disk" (4M, writable) and "ro" (4096 bytes).

    tests/fuzz/gen-nbd-corpus.py tests/fuzz/corpus/nbd-server
"""
import os
import struct
import sys

IHAVEOPT = 0x49484156454F5054
REQ = 0x25609513


def opt(o, data=b""):
    return struct.pack(">QII", IHAVEOPT, o, len(data)) + data


def go(name, infos=(), o=7):
    d = struct.pack(">I", len(name)) + name + struct.pack(">H", len(infos))
    return opt(o, d + b"".join(struct.pack(">H", i) for i in infos))


def meta(o, name, queries):
    d = struct.pack(">I", len(name)) + name + struct.pack(">I", len(queries))
    return opt(o, d + b"".join(struct.pack(">I", len(q)) + q
                               for q in queries))


def req(cmd, off=0, length=0, flags=0, handle=1, data=b""):
    return struct.pack(">IHHQQI", REQ, flags, cmd, handle, off,
                       length) + data


FLAGS = struct.pack(">I", 3)
DISC = req(2)
SR = opt(8)
SETMETA = meta(10, b"disk", [b"base:allocation"])

seeds = {
    "list-abort": FLAGS + opt(3) + opt(2),
    "info-go-simple": FLAGS + go(b"disk", (0, 1, 2, 3), 6) + go(b"disk") +
    req(0, 0, 4096) + req(1, 4096, 8, 1, 2, b"abcdefgh") + req(3) + DISC,
    "export-name": struct.pack(">I", 1) + opt(1, b"disk") + req(0, 0, 512) +
    req(4, 0, 65536) + DISC,
    "structured-read": FLAGS + SR + SETMETA + go(b"disk") +
    req(0, 0, 65536) + req(0, 0, 4096, 4, 3) + req(7, 0, 1 << 20) +
    req(7, 0, 1 << 20, 8) + DISC,
    "write-zeroes": FLAGS + SR + go(b"disk") + req(6, 0, 65536) +
    req(6, 0, 65536, 2) + req(6, 0, 4096, 16) + req(6, 0, 4096, 1) +
    req(5, 0, 4096) + DISC,
    "meta-list": FLAGS + SR + meta(9, b"disk", []) +
    meta(9, b"disk", [b"base:"]) + meta(9, b"nosuch", [b"base:allocation"]) +
    meta(10, b"ro", [b"base:allocation", b"x:y"]) + go(b"") + DISC,
    "starttls-unknown": FLAGS + opt(5) + opt(99, b"junk") + opt(8, b"x") +
    go(b"nosuch") + go(b"ro") + req(1, 0, 4, 0, 1, b"abcd") + DISC,
    "errors": FLAGS + SR + go(b"ro") + req(0, 4000, 200) +
    req(0, 0, 33554433) + req(42) + req(0, 0, 8, 0xffff) + req(7, 0, 8) +
    req(1, 1 << 40, 4, 0, 7, b"abcd") + DISC,
    "pipelined": FLAGS + go(b"disk") +
    b"".join(req(1, i * 512, 512, 0, i, bytes([i]) * 512)
             for i in range(40)) +
    b"".join(req(0, i * 512, 512, 0, 100 + i) for i in range(40)) + DISC,
    "bad-magic": FLAGS + go(b"disk") + struct.pack(">IHHQQI", 0xdead, 0, 0,
                                                   1, 0, 512),
    "truncated": FLAGS + go(b"disk") + req(1, 0, 65536, data=b"x" * 100),
    "plain-newstyle": struct.pack(">I", 0) + opt(3) + opt(77) + go(b"disk"),
}

out = sys.argv[1] if len(sys.argv) > 1 else "corpus/nbd-server"
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(data)
print("%d seeds in %s" % (len(seeds), out))
