#!/usr/bin/python3
"""Buffered receive (nbd/server.c nbd_co_recv) and queued replies
(nbd/server-cmds.c nbd_co_send_locked).  In transmission, each recvmsg
also takes what follows the bytes asked for into the connection's
16 KiB buffer, and the data-less replies of small requests that finish
together go out in one sendmsg.  Requests sent back to back in one
stream, with payloads of every size around that buffer (1 byte to
1 MiB, some straddling it, headers split across it), are all served
right, simple replies in any order; and a stream of pipelined 4 KiB
writes costs about one receive call per request, not two, and fewer
sends than replies (strace -c, skipped without strace)."""
import os
import random
import shutil
import subprocess
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from nbdtest import *  # noqa: F401,F403

KiB, MiB = 1 << 10, 1 << 20
img = make_image("rb.raw", "80M")
srv = Server("-n", "disk", "-w", img)
rnd = random.Random(16)
SIZES = [1, 27, 28, 29, 511, 4095, 4096, 4097, 16 * KiB - 29,
         16 * KiB - 28, 16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 20000,
         32 * KiB + 3, 64 * KiB, MiB]


def stream(reqs, c):
    """Send every request in one go from a thread (the replies must be
    read meanwhile, or both sides would wait on full buffers)."""
    data = b"".join(struct.pack(">IHHQQI", REQ_MAGIC, 0, cmd, h, off, n) +
                    payload for cmd, h, off, n, payload in reqs)
    t = threading.Thread(target=c.send, args=(data,))
    t.start()
    return t


def replies(c, reqs):
    """Simple replies of @reqs, by handle: (error, data)."""
    lens = {h: (n if cmd == CMD_READ else 0) for cmd, h, off, n, p in reqs}
    got = {}
    while len(got) < len(reqs):
        err, h, data = c.simple_reply(0)
        assert h in lens and h not in got, h
        if err == 0 and lens[h]:
            data = c.recv(lens[h])
        got[h] = (err, data)
    return got


def back_to_back():
    c = RawClient(srv.sock, timeout=30).connect("disk")
    writes, reads, want = [], [], {}
    for i, n in enumerate(SIZES * 2):
        off = i * 2 * MiB + rnd.randrange(0, 4096)
        data = rnd.randbytes(n)
        writes.append((CMD_WRITE, 1000 + i, off, n, data))
        reads.append((CMD_READ, 2000 + i, off, n, b""))
        want[2000 + i] = data
    t = stream(writes, c)
    got = replies(c, writes)
    t.join()
    assert all(e == 0 for e, d in got.values()), got
    # Reads, with a write of fresh data in between whose payload ends
    # inside the buffer and a flush: all parsed from the same stream.
    mixed = reads[:5] + [(CMD_WRITE, 3000, 78 * MiB, 12345,
                          b"\x5a" * 12345), (CMD_FLUSH, 3001, 0, 0, b"")]
    mixed += reads[5:] + [(CMD_READ, 3002, 78 * MiB, 12345, b"")]
    t = stream(mixed, c)
    got = replies(c, mixed)
    t.join()
    for h, data in want.items():
        assert got[h] == (0, data), (h, got[h][0], len(got[h][1]))
    assert got[3000] == (0, b"") and got[3001] == (0, b"")
    # Sent after the write's reply was asked for, in the same stream:
    # the server may run them in any order, so only the length counts.
    assert got[3002][0] == 0 and len(got[3002][1]) == 12345
    c.request(CMD_READ, 78 * MiB, 12345, handle=3003)
    assert c.simple_reply(12345) == (0, 3003, b"\x5a" * 12345)
    c.request(CMD_DISC)
    assert c.closed_by_server()
    c.close()


def one_recv_per_write():
    if not shutil.which("strace"):
        raise Skip("no strace")
    c = RawClient(srv.sock, timeout=30).connect("disk")
    n = 2000
    reqs = [(CMD_WRITE, i, (i % 4096) * 4096, 4096, b"\xa5" * 4096)
            for i in range(n)]
    st = subprocess.Popen(["strace", "-f", "-c", "-e",
                           "trace=recvmsg,recvfrom,read,sendmsg,sendto,write",
                           "-p", str(srv.proc.pid)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    time.sleep(1)                   # attached
    if st.poll() is not None:
        raise Skip("strace cannot attach: " + st.stderr.read().strip())
    t = stream(reqs, c)
    got = replies(c, reqs)
    t.join()
    st.send_signal(2)
    out = st.communicate(timeout=30)[1]
    assert all(e == 0 for e, d in got.values())
    calls = sends = 0
    for line in out.splitlines():
        f = line.split()
        if f and f[-1] in ("recvmsg", "recvfrom"):
            calls += int(f[3])
        if f and f[-1] in ("sendmsg", "sendto"):
            sends += int(f[3])
    # Unbuffered: a header and a payload, two calls per write.
    assert 0 < calls <= 1.25 * n, (calls, out)
    # One send per reply without the queue.
    assert 0 < sends <= 0.75 * n, (sends, out)
    c.close()


check("recvbuf: requests back to back, every payload size", back_to_back)
check("recvbuf: pipelined 4 KiB writes, one receive each, sends shared",
      one_recv_per_write)
finish()
