#!/usr/bin/python3
"""The export through libnbd (python3-libnbd, what nbdsh uses): data
commands, flags, block status, many requests in flight, several
connections, and a read error injected with blkdebug that leaves the
connection usable."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from nbdtest import *  # noqa: F401,F403

try:
    import nbd
except ImportError:
    print("SKIP: libnbd tests (python3-libnbd missing)")
    sys.exit(0)

MiB = 1 << 20
img = make_image("l.img", "8M", [(0xab, 0, 65536), (0xcd, 4 * MiB, 4096)])
ro = make_image("lro.img", "1M", [(0x11, 0, 4096)])
bad = make_image("bad.img", "2M", [(0x22, 0, 2 * MiB)])
blkdebug = ("driver=raw,file.driver=blkdebug,"
            "file.inject-error.0.event=read_aio,file.inject-error.0.errno=5,"
            "file.inject-error.0.sector=2048,"
            "file.image.driver=file,file.image.filename=" + bad)
srv = Server("-n", "disk", "-w", "-D", "our test disk", img,
             "-n", "ro", ro, "-n", "bad", blkdebug)


def handle(name="disk", structured=True):
    h = nbd.NBD()
    h.set_request_structured_replies(structured)
    h.add_meta_context("base:allocation")
    h.set_export_name(name)
    h.connect_unix(srv.sock)
    return h


def flags_honest():
    h = handle()
    assert h.get_size() == 8 * MiB
    assert not h.is_read_only()
    for f in (h.can_flush, h.can_fua, h.can_trim, h.can_zero,
              h.can_fast_zero, h.can_multi_conn, h.can_df, h.can_cache):
        assert f(), f
    assert h.can_meta_context("base:allocation")
    assert h.get_structured_replies_negotiated()
    r = handle("ro")
    assert r.is_read_only()
    assert not r.can_trim() and not r.can_zero() and not r.can_fua()
    assert r.can_multi_conn()


def info_and_description():
    h = nbd.NBD()
    h.set_opt_mode(True)
    h.set_full_info(True)
    h.connect_unix(srv.sock)
    names = []
    h.opt_list(lambda n, d: names.append((n, d)) or 0)
    assert sorted(names) == [("bad", ""), ("disk", "our test disk"),
                             ("ro", "")], names
    h.set_export_name("disk")
    h.opt_info()
    assert h.get_export_description() == "our test disk"
    assert h.get_canonical_export_name() == "disk"
    assert h.get_block_size(nbd.SIZE_MAXIMUM) == 32 * MiB
    h.set_export_name("nosuch")
    try:
        h.opt_info()
        raise AssertionError("opt_info succeeded on a missing export")
    except nbd.Error:
        pass
    h.opt_abort()


def read_write_simple_and_structured():
    for sr in (False, True):
        h = handle(structured=sr)
        assert h.pread(65536, 0) == b"\xab" * 65536
        assert h.pread(4096, 4 * MiB) == b"\xcd" * 4096
        assert h.pread(4096, 65536) == b"\0" * 4096
        # unaligned, straddling data and hole
        assert h.pread(1000, 65000) == b"\xab" * 536 + b"\0" * 464
        h.pwrite(b"\x5a" * 3000, 2 * MiB + 7, nbd.CMD_FLAG_FUA)
        assert h.pread(3002, 2 * MiB + 6) == b"\0" + b"\x5a" * 3000 + b"\0"
        h.flush()
        h.shutdown()


def df_read():
    h = handle()
    seen = []

    def chunk(buf, offset, status, err):
        seen.append((offset, len(buf), status))
        return 0
    buf = h.pread_structured(128 * 1024, 0, chunk, nbd.CMD_FLAG_DF)
    assert len(seen) == 1 and seen[0][2] == nbd.READ_DATA, seen
    assert buf == b"\xab" * 65536 + b"\0" * 65536
    seen.clear()
    h.pread_structured(128 * 1024, 0, chunk)
    assert [s[2] for s in seen] == [nbd.READ_DATA, nbd.READ_HOLE], seen


def zero_trim_fastzero():
    h = handle()
    h.pwrite(b"\x77" * 65536, 6 * MiB)
    h.zero(4096, 6 * MiB, nbd.CMD_FLAG_NO_HOLE)
    assert h.pread(8192, 6 * MiB) == b"\0" * 4096 + b"\x77" * 4096
    h.zero(4096, 6 * MiB + 4096)
    assert h.pread(8192, 6 * MiB) == b"\0" * 8192
    h.zero(4096, 6 * MiB + 8192, nbd.CMD_FLAG_FAST_ZERO | nbd.CMD_FLAG_FUA)
    h.trim(8192, 6 * MiB + 16384, nbd.CMD_FLAG_FUA)
    h.cache(4096, 0)
    assert h.pread(4096, 6 * MiB + 24576) == b"\x77" * 4096


def block_status():
    h = handle()
    ext = []

    def cb(meta, offset, entries, err):
        assert meta == "base:allocation"
        ext.extend(zip(entries[0::2], entries[1::2]))
        return 0
    h.block_status(MiB, 0, cb)
    assert ext[0] == (65536, 0), ext                      # data
    assert ext[1] == (MiB - 65536, nbd.STATE_HOLE | nbd.STATE_ZERO), ext
    ext.clear()
    h.block_status(8 * MiB, 0, cb, nbd.CMD_FLAG_REQ_ONE)
    assert len(ext) == 1 and ext[0] == (65536, 0), ext
    ext.clear()
    h.block_status(4096, 4 * MiB - 2048, cb)
    assert ext == [(2048, 3), (2048, 0)], ext


def many_in_flight():
    h = handle()
    bufs = []
    for i in range(64):
        b = nbd.Buffer(4096)
        bufs.append(b)
        h.aio_pread(b, i * 65536 if i else 0)
    for i in range(64):
        h.aio_pwrite(nbd.Buffer.from_bytearray(bytearray([i]) * 4096),
                     7 * MiB + i * 4096)
    while h.aio_in_flight() > 0:
        h.poll(-1)
    assert bytes(bufs[0].to_bytearray()) == b"\xab" * 4096
    for i in range(64):
        assert h.pread(4096, 7 * MiB + i * 4096) == bytes([i]) * 4096


def multi_conn():
    hs = [handle() for _ in range(4)]
    for i, h in enumerate(hs):
        h.pwrite(bytes([0x40 + i]) * 512, 5 * MiB + i * 512)
    hs[3].flush()     # covers writes made on the other connections
    for i in range(4):
        assert hs[(i + 1) % 4].pread(512, 5 * MiB + i * 512) == \
            bytes([0x40 + i]) * 512
    for h in hs:
        h.shutdown()


def read_only_refusals():
    h = handle("ro")
    h.set_strict_mode(0)          # let libnbd send what it knows is wrong
    for op in (lambda: h.pwrite(b"x" * 512, 0),
               lambda: h.zero(512, 0), lambda: h.trim(512, 0)):
        try:
            op()
            raise AssertionError("write on a read-only export succeeded")
        except nbd.Error as e:
            assert e.errnum == errno.EPERM, e
    assert h.pread(4, 0) == b"\x11" * 4


def strict_off_errors():
    h = handle()
    h.set_strict_mode(0)
    for off, n, want in ((8 * MiB - 512, 1024, errno.EINVAL),):
        try:
            h.pread(n, off)
            raise AssertionError("read past EOF succeeded")
        except nbd.Error as e:
            assert e.errnum == want, e
    try:
        h.pwrite(b"x" * 1024, 8 * MiB - 512)
        raise AssertionError("write past EOF succeeded")
    except nbd.Error as e:
        assert e.errnum == errno.ENOSPC, e
    assert h.pread(4, 0) == b"\xab" * 4      # still connected


def read_error_keeps_connection():
    for sr in (True, False):
        h = handle("bad", structured=sr)
        assert h.pread(4096, 0) == b"\x22" * 4096
        for _ in range(3):
            try:
                h.pread(4096, MiB)
                raise AssertionError("injected read error not reported")
            except nbd.Error as e:
                assert e.errnum == errno.EIO, e
            assert h.pread(4096, 0) == b"\x22" * 4096
        assert h.pread(4096, MiB + 4096) == b"\x22" * 4096
        h.shutdown()


import errno  # noqa: E402

check("flags advertised honestly", flags_honest)
check("LIST, INFO, description, block sizes", info_and_description)
check("read/write, simple and structured replies",
      read_write_simple_and_structured)
check("DF read is one chunk, sparse read has holes", df_read)
check("write zeroes (NO_HOLE, FAST_ZERO, FUA), trim, cache",
      zero_trim_fastzero)
check("block status base:allocation (REQ_ONE, unaligned)", block_status)
check("128 requests in flight on one connection", many_in_flight)
check("multi-conn: four connections, one flush", multi_conn)
check("read-only export refuses writes with EPERM", read_only_refusals)
check("past-EOF errors, connection stays", strict_off_errors)
check("blkdebug read error -> EIO, connection stays usable",
      read_error_keeps_connection)
check("server alive", lambda: srv.alive() or (_ for _ in ()).throw(
    AssertionError("server died")))
finish()
