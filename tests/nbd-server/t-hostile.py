#!/usr/bin/python3
"""Hostile and malformed input over raw sockets: every case is answered
as the NBD protocol says, and afterwards the server still serves other
clients (a well-behaved client stays connected throughout)."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from nbdtest import *  # noqa: F401,F403

img = make_image("h.img", "1M", [(0xab, 0, 65536)])
ro = make_image("ro.img", "1M")
srv = Server("-n", "disk", "-w", img, "-n", "ro", ro)
S = srv.sock

# A client that stays connected while the others misbehave.
bystander = RawClient(S).connect("disk", structured=True)


def bystander_ok():
    bystander.request(CMD_READ, 0, 4096, handle=77)
    ch = bystander.chunks()
    assert ch[-1][2] == 77 and ch[0][1] == TYPE_DATA
    assert ch[0][3][8:12] == b"\xab" * 4
    assert srv.alive()


def bad_init_magic_closes():
    c = RawClient(S)
    c.recv(18)
    c.send(struct.pack(">I", 1) + struct.pack(">QII", 0xdeadbeef, 7, 0))
    assert c.closed_by_server()


def unknown_client_flags_close():
    c = RawClient(S)
    c.recv(18)
    c.send(struct.pack(">I", 0x80000001))
    assert c.closed_by_server()


def handshake_flags():
    c = RawClient(S)
    assert c.greeting() == 3        # FIXED_NEWSTYLE | NO_ZEROES
    c.option(OPT_ABORT)
    assert c.reply()[1] == REP_ACK
    assert c.closed_by_server()


def unknown_option_unsup():
    c = RawClient(S)
    c.greeting()
    c.option(1234, b"xyz")
    opt, rtype, msg = c.reply()
    assert opt == 1234 and rtype == REP_ERR_UNSUP, (opt, rtype)
    assert b"Unsupported option" in msg
    assert c.go("disk")[-1][0] == REP_ACK   # still usable


def unknown_option_plain_newstyle_closes():
    c = RawClient(S)
    c.greeting(cflags=0)
    c.option(1234)
    assert c.closed_by_server()


def export_name_no_zeroes():
    for cflags, extra in ((3, 0), (1, 124)):
        c = RawClient(S)
        c.greeting(cflags)
        c.option(OPT_EXPORT_NAME, b"disk")
        size, flags = struct.unpack(">QH", c.recv(10))
        assert size == 1 << 20 and flags & 1
        if extra:
            assert c.recv(extra) == b"\0" * extra
        c.sr = False
        c.request(CMD_READ, 0, 512)
        err, h, data = c.simple_reply(512)
        assert err == 0 and data == b"\xab" * 512
        c.request(CMD_DISC)
        assert c.closed_by_server()


def export_name_unknown_closes():
    c = RawClient(S)
    c.greeting()
    c.option(OPT_EXPORT_NAME, b"nosuch")
    assert c.closed_by_server()


def go_unknown_export():
    c = RawClient(S)
    c.greeting()
    reps = c.go("nosuch")
    assert reps[-1][0] == REP_ERR_UNKNOWN
    assert b"export 'nosuch' not present" in reps[-1][1]


def go_bad_lengths():
    c = RawClient(S)
    c.greeting()
    # name length larger than the payload
    c.option(OPT_GO, struct.pack(">I", 100) + b"disk" + b"\0\0")
    assert c.reply()[1] == REP_ERR_INVALID
    # info count disagrees with the payload
    c.option(OPT_GO, struct.pack(">I", 4) + b"disk" + struct.pack(">H", 3))
    assert c.reply()[1] == REP_ERR_INVALID
    # too short for anything
    c.option(OPT_INFO, b"\0")
    assert c.reply()[1] == REP_ERR_INVALID
    # NUL inside a name
    c.option(OPT_GO, struct.pack(">I", 4) + b"d\0sk" + b"\0\0")
    assert c.reply()[1] == REP_ERR_INVALID
    assert c.go("disk")[-1][0] == REP_ACK


def oversized_option_too_big():
    c = RawClient(S, timeout=20)
    c.greeting()
    n = 2 * 1024 * 1024
    c.option(OPT_LIST, b"\0" * n)
    assert c.reply()[1] == REP_ERR_TOO_BIG
    assert c.go("disk")[-1][0] == REP_ACK


def list_with_payload_invalid():
    c = RawClient(S)
    c.greeting()
    c.option(OPT_LIST, b"junk")
    assert c.reply()[1] == REP_ERR_INVALID
    c.option(OPT_LIST)
    reps = c.replies_until_final()
    names = sorted(d[4:4 + struct.unpack(">I", d[:4])[0]]
                   for t, d in reps if t == REP_SERVER)
    assert names == [b"disk", b"ro"], names


def starttls_policy():
    c = RawClient(S)
    c.greeting()
    c.option(OPT_STARTTLS)
    assert c.reply()[1] == REP_ERR_POLICY
    c.option(OPT_STARTTLS, b"x")
    assert c.reply()[1] == REP_ERR_INVALID


def structured_twice_and_meta_rules():
    c = RawClient(S)
    c.greeting()
    # meta contexts need structured replies first
    reps = c.set_meta("disk", ["base:allocation"])
    assert reps[-1][0] == REP_ERR_INVALID
    c.structured()
    c.option(OPT_STRUCTURED_REPLY)
    assert c.reply()[1] == REP_ERR_INVALID
    c.option(OPT_STRUCTURED_REPLY, b"x")
    assert c.reply()[1] == REP_ERR_INVALID
    reps = c.set_meta("nosuch", ["base:allocation"])
    assert reps[-1][0] == REP_ERR_UNKNOWN
    reps = c.set_meta("disk", ["base:allocation", "qemu:nothing"])
    assert [r[0] for r in reps] == [REP_META, REP_ACK]
    assert reps[0][1] == struct.pack(">I", 0) + b"base:allocation"
    # truncated query list
    c.option(OPT_LIST_META, struct.pack(">I", 4) + b"disk" +
             struct.pack(">II", 2, 50) + b"base:")
    assert c.reply()[1] == REP_ERR_INVALID
    # LIST with no query lists everything, "base:" the namespace
    for q in ([], ["base:"]):
        data = struct.pack(">I", 4) + b"disk" + struct.pack(">I", len(q))
        for s in q:
            data += struct.pack(">I", len(s)) + s.encode()
        c.option(OPT_LIST_META, data)
        reps = c.replies_until_final()
        assert [r[0] for r in reps] == [REP_META, REP_ACK], reps


def meta_for_other_export_dropped():
    c = RawClient(S)
    c.greeting()
    c.structured()
    c.set_meta("ro", ["base:allocation"])
    assert c.go("disk")[-1][0] == REP_ACK
    c.request(CMD_BLOCK_STATUS, 0, 4096)
    assert c.reply_error() == EINVAL


def bad_request_magic_closes():
    c = RawClient(S).connect("disk")
    c.send(struct.pack(">IHHQQI", 0x12345678, 0, CMD_READ, 1, 0, 512))
    assert c.closed_by_server()


def unknown_command_einval():
    for sr in (False, True):
        c = RawClient(S).connect("disk", structured=sr)
        c.request(42, 0, 512, handle=5)
        assert c.reply_error() == EINVAL
        c.request(CMD_READ, 0, 512, handle=6)
        assert c.reply_error(512) == 0


def bad_flags_einval():
    c = RawClient(S).connect("disk", structured=True)
    c.request(CMD_READ, 0, 512, flags=FLAG_REQ_ONE)
    assert c.reply_error() == EINVAL
    c.request(CMD_WRITE, 0, 4, flags=0x100, data=b"abcd")
    assert c.reply_error() == EINVAL
    c = RawClient(S).connect("disk", structured=False)
    c.request(CMD_READ, 0, 512, flags=FLAG_DF)     # DF needs structured
    assert c.reply_error(512) == EINVAL


def past_eof():
    size = 1 << 20
    for sr in (False, True):
        c = RawClient(S).connect("disk", structured=sr, meta=sr)
        c.request(CMD_READ, size - 512, 1024)
        assert c.reply_error(1024) == EINVAL
        c.request(CMD_READ, 1 << 62, 512)
        assert c.reply_error(512) == EINVAL
        c.request(CMD_READ, 0xffffffffffffff00, 0x200)   # wraps around
        assert c.reply_error(0x200) == EINVAL
        c.request(CMD_WRITE, size - 2, 4, data=b"abcd")
        assert c.reply_error() == ENOSPC
        c.request(CMD_WRITE_ZEROES, size, 1)
        assert c.reply_error() == ENOSPC
        c.request(CMD_TRIM, size - 1, 2)
        assert c.reply_error() == EINVAL
        if sr:
            c.request(CMD_BLOCK_STATUS, size - 512, 1024)
            assert c.reply_error() == EINVAL
            c.request(CMD_BLOCK_STATUS, 0, 0)
            assert c.reply_error() == EINVAL
        c.request(CMD_READ, size - 512, 512)
        assert c.reply_error(512) == 0


def length_fields_at_their_maximum():
    """Every length inside an option at 2^32 - 1 (or 2^16 - 1), and
    ranges whose end wraps past 2^64: refused, nothing read beyond the
    payload, the connection usable afterwards."""
    M32 = 0xffffffff
    c = RawClient(S)
    c.greeting()
    c.structured()
    c.option(OPT_GO, struct.pack(">I", M32) + b"disk\0\0")
    assert c.reply()[1] == REP_ERR_INVALID
    c.option(OPT_INFO, struct.pack(">I", 4) + b"disk" +
             struct.pack(">HH", 0xffff, 0))
    assert c.reply()[1] == REP_ERR_INVALID
    for opt in (OPT_LIST_META, OPT_SET_META):
        c.option(opt, struct.pack(">I", M32) + b"disk")
        assert c.reply()[1] == REP_ERR_INVALID
        c.option(opt, struct.pack(">I", 4) + b"disk" +
                 struct.pack(">II", M32, 15) + b"base:allocation")
        assert c.reply()[1] == REP_ERR_INVALID
        c.option(opt, struct.pack(">I", 4) + b"disk" +
                 struct.pack(">II", 1, M32) + b"base:allocation")
        assert c.reply()[1] == REP_ERR_INVALID
    assert c.set_meta("disk", ["base:allocation"])[-1][0] == REP_ACK
    assert c.go("disk")[-1][0] == REP_ACK
    end = 0xffffffffffffff00
    for cmd, err in ((CMD_READ, EINVAL), (CMD_WRITE_ZEROES, ENOSPC),
                     (CMD_TRIM, EINVAL), (CMD_BLOCK_STATUS, EINVAL),
                     (CMD_CACHE, EINVAL)):
        c.request(cmd, end, 0x200)
        assert c.reply_error() == err, cmd
        c.request(cmd, 4096, 0xffffffff)
        assert c.reply_error() in (err, EOVERFLOW), cmd
    c.request(CMD_WRITE, end, 4, data=b"abcd")
    assert c.reply_error() == ENOSPC
    c.request(CMD_READ, 0, 4, handle=5)
    assert c.chunks()[0][3][8:] == b"\xab" * 4
    # EXPORT_NAME longer than any name: the server hangs up at once.
    c2 = RawClient(S)
    c2.greeting()
    c2.send(struct.pack(">QII", IHAVEOPT, OPT_EXPORT_NAME, M32))
    assert c2.closed_by_server()


def oversized_requests():
    big = 32 * 1024 * 1024 + 1
    c = RawClient(S, timeout=30).connect("disk", structured=True)
    c.request(CMD_READ, 0, big)
    assert c.reply_error() == EOVERFLOW
    # The payload of an oversized write is read and dropped.
    c.request(CMD_WRITE, 0, big, handle=9)
    c.send(b"\x55" * big)
    assert c.reply_error() == EOVERFLOW
    c.request(CMD_READ, 0, 4, handle=10)
    ch = c.chunks()
    assert ch[0][3][8:] == b"\xab" * 4      # nothing was written
    # Non-payload commands may exceed the payload limit.
    c2 = RawClient(S).connect("disk", structured=True, meta=True)
    c2.request(CMD_BLOCK_STATUS, 0, 1 << 20)
    ch = c2.chunks()
    assert ch[0][1] == TYPE_BS


def read_only_eperm():
    c = RawClient(S).connect("ro", structured=True)
    assert c.eflags & 2               # NBD_FLAG_READ_ONLY
    assert not c.eflags & (1 << 5)    # no SEND_TRIM advertised
    c.request(CMD_WRITE, 0, 4, data=b"abcd")
    assert c.reply_error() == EPERM
    c.request(CMD_WRITE_ZEROES, 0, 4096)
    assert c.reply_error() == EPERM
    c.request(CMD_TRIM, 0, 4096)
    assert c.reply_error() == EPERM
    c.request(CMD_FLUSH)
    assert c.reply_error() == 0


def block_status_without_meta():
    c = RawClient(S).connect("disk", structured=True)
    c.request(CMD_BLOCK_STATUS, 0, 4096)
    assert c.reply_error() == EINVAL


def truncated_packets():
    # Truncated option header, truncated request, truncated payload.
    for stage in range(4):
        c = RawClient(S)
        c.greeting()
        if stage == 0:
            c.send(struct.pack(">Q", IHAVEOPT)[:5])
        else:
            c.go("disk")
            c.sr = False
            if stage == 1:
                c.send(struct.pack(">IHH", REQ_MAGIC, 0, CMD_READ))
            elif stage == 2:
                c.request(CMD_WRITE, 0, 65536, data=b"x" * 1000)
            else:
                c.request(CMD_READ, 0, 8 * 1024 * 1024)   # and never read it
        c.close()
    time.sleep(0.2)


def vanish_mid_request():
    # Many reads in flight, then the client disappears without reading.
    for _ in range(5):
        c = RawClient(S).connect("disk", structured=True)
        for h in range(40):
            c.request(CMD_READ, 0, 1 << 20, handle=h)
        c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                       struct.pack("ii", 1, 0))
        c.close()
    time.sleep(0.3)


def writes_of_a_vanished_client_land():
    # Writes sent whole, then the client goes without reading a reply:
    # nobody will hear of them, but they were sent and must land.
    # Checked by a new client reading them back.
    base, n, size = 256 * 1024, 8, 16 * 1024
    for rnd in range(3):
        c = RawClient(S).connect("disk", structured=True)
        for i in range(n):
            c.request(CMD_WRITE, base + i * size, size, handle=i,
                      data=bytes([0x30 + rnd * n + i]) * size)
        c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                       struct.pack("ii", 1, 0))
        c.close()
        deadline = time.time() + 5
        while True:
            r = RawClient(S).connect("disk", structured=False)
            got = []
            for i in range(n):
                r.request(CMD_READ, base + i * size, size, handle=i)
                err, h, data = r.simple_reply(size)
                assert err == 0 and h == i
                got.append(data == bytes([0x30 + rnd * n + i]) * size)
            r.close()
            if all(got):
                break
            assert time.time() < deadline, "round %d: landed %r" % (rnd, got)
            time.sleep(0.05)


def disc_answers_in_flight():
    c = RawClient(S).connect("disk", structured=False)
    for h in range(8):
        c.request(CMD_READ, 0, 4096, handle=h)
    c.request(CMD_DISC)
    got = set()
    for _ in range(8):
        err, h, data = c.simple_reply(4096)
        assert err == 0
        got.add(h)
    assert got == set(range(8))
    assert c.closed_by_server()


def silent_client_times_out_only_itself():
    idle = RawClient(S, timeout=15)
    idle.recv(18)       # never answers the greeting
    bystander_ok()
    t0 = time.time()
    assert idle.closed_by_server()
    assert time.time() - t0 < 14


def garbage_storm():
    import random
    rnd = random.Random(5)
    for i in range(200):
        c = RawClient(S, timeout=2)
        try:
            c.greeting(rnd.choice([0, 1, 3]))
            if rnd.random() < 0.5:
                c.go("disk")
            c.send(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 200))))
        except (EOFError, OSError, AssertionError, struct.error):
            pass
        c.close()
    time.sleep(0.2)


for name, fn in [
    ("bad init magic closes", bad_init_magic_closes),
    ("unknown client flags close", unknown_client_flags_close),
    ("handshake flags and abort", handshake_flags),
    ("unknown option -> ERR_UNSUP", unknown_option_unsup),
    ("unknown option, plain newstyle -> close",
     unknown_option_plain_newstyle_closes),
    ("EXPORT_NAME with and without NO_ZEROES", export_name_no_zeroes),
    ("EXPORT_NAME unknown closes", export_name_unknown_closes),
    ("GO unknown export -> ERR_UNKNOWN", go_unknown_export),
    ("GO/INFO inconsistent lengths -> ERR_INVALID", go_bad_lengths),
    ("2 MiB option payload -> ERR_TOO_BIG", oversized_option_too_big),
    ("LIST with payload -> ERR_INVALID, LIST names", list_with_payload_invalid),
    ("STARTTLS without creds -> ERR_POLICY", starttls_policy),
    ("structured reply twice, meta context rules",
     structured_twice_and_meta_rules),
    ("meta context for another export is dropped", meta_for_other_export_dropped),
    ("bad request magic closes", bad_request_magic_closes),
    ("unknown command -> EINVAL, connection stays", unknown_command_einval),
    ("unsupported flags -> EINVAL", bad_flags_einval),
    ("past EOF -> EINVAL / ENOSPC", past_eof),
    ("requests > 32 MiB -> EOVERFLOW", oversized_requests),
    ("length fields at 2^32 - 1, ranges wrapping 2^64",
     length_fields_at_their_maximum),
    ("read-only export -> EPERM", read_only_eperm),
    ("BLOCK_STATUS without meta context -> EINVAL", block_status_without_meta),
    ("truncated packets", truncated_packets),
    ("writes of a client that vanished land", writes_of_a_vanished_client_land),
    ("client vanishes with requests in flight", vanish_mid_request),
    ("DISC answers requests in flight first", disc_answers_in_flight),
    ("silent client times out, others unaffected",
     silent_client_times_out_only_itself),
    ("200 random garbage clients", garbage_storm),
]:
    check(name, fn)
    check("  server and bystander fine after: " + name, bystander_ok)

finish()
