#!/usr/bin/python3
"""Zero-copy read replies (nbd/server-cmds.c nbd_co_splice_reply): reads
of a raw file export go from the page cache to the socket through a
pipe.  Through libnbd: the data is right for every shape of read
(simple and structured replies, DF, sizes from the threshold to past
the pipe, odd offsets, the padded tail of a file whose size is not a
multiple of 512, many reads in flight); the server's read(2) byte count
(/proc/PID/io rchar, which splice(2) does not add to) shows which path
a read took: a cached raw file is not copied, a range not in the cache
on disk is read the usual way (never from the disk in the loop thread),
and a quorum's reads are always copied and voted on."""
import ctypes
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from nbdtest import *  # noqa: F401,F403

try:
    import nbd
except ImportError:
    print("SKIP: splice tests (python3-libnbd missing)")
    sys.exit(0)

KiB, MiB = 1 << 10, 1 << 20
SPLICE_MIN = 16 * KiB           # NBD_SPLICE_MIN
SIZE = 8 * MiB + 1000           # exported as 8 MiB + 1024, zero-padded
rnd = random.Random(8)
DATA = rnd.randbytes(SIZE)


def place(dirname, name):
    """A file with DATA in @dirname, or None if it cannot hold one."""
    if not os.path.isdir(dirname) or not os.access(dirname, os.W_OK):
        return None
    d = os.path.join(dirname, "nbd-splice.%d" % os.getpid())
    os.makedirs(d, exist_ok=True)
    atexit.register(shutil.rmtree, d, True)
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(DATA)
    return path


shm = place("/dev/shm", "shm.raw")
disk = place("/var/tmp", "disk.raw")
args = []
if shm:
    args += ["-n", "shm", "driver=raw,file.driver=file,file.filename=" + shm]
if disk:
    args += ["-n", "disk",
             "driver=raw,file.driver=file,file.filename=" + disk]
kids = []
for i in range(3):
    kids.append(place("/dev/shm", "q%d.raw" % i) or
                place("/var/tmp", "q%d.raw" % i))
args += ["-n", "quorum", "driver=quorum,vote-threshold=2," +
         ",".join("children.%d.driver=raw,children.%d.file.driver=file,"
                  "children.%d.file.filename=%s" % (i, i, i, k)
                  for i, k in enumerate(kids))]
srv = Server(*args)


def rchar():
    with open("/proc/%d/io" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("rchar:"):
                return int(line.split()[1])
    raise AssertionError("no rchar in /proc/PID/io")


def expect(off, n):
    """What a read of the export returns: DATA, then the zero padding."""
    return (DATA[off:off + n] + b"\0" * n)[:n]


def handle(name, structured=True):
    h = nbd.NBD()
    h.set_request_structured_replies(structured)
    h.set_export_name(name)
    h.connect_unix(srv.sock)
    return h


def need(path):
    if not path:
        raise Skip("no writable directory for it")


SHAPES = [(0, SPLICE_MIN), (4095, 64 * KiB), (1, SPLICE_MIN - 1),
          (MiB - 3, MiB), (3 * MiB + 5, 2 * MiB + 7), (0, 5 * MiB),
          (SIZE - 40000, 40000), (SIZE - 40000, 40024)]


def shapes(name, path):
    need(path)
    for sr in (False, True):
        h = handle(name, sr)
        assert h.get_size() == 8 * MiB + 1024, h.get_size()
        for off, n in SHAPES:
            assert h.pread(n, off) == expect(off, n), (sr, off, n)
        h.shutdown()
    h = handle(name)
    for off, n in ((0, 64 * KiB), (7, MiB), (0, 2 * MiB)):
        chunks = []

        def chunk(buf, offset, status, err):
            chunks.append((offset, len(buf)))
            return 0
        buf = h.pread_structured(n, off, chunk, nbd.CMD_FLAG_DF)
        assert chunks == [(off, n)], chunks
        assert buf == expect(off, n)
    h.shutdown()


def in_flight(name, path):
    """Replies of many reads at once never mix in the client's pipe."""
    need(path)
    h = handle(name)
    reqs = []
    deadline = time.time() + 60     # a garbled stream stalls the client

    def wait_below(k):
        while h.aio_in_flight() > k:
            assert time.time() < deadline, "replies stopped"
            h.poll(1000)
    for i in range(200):
        n = rnd.choice([SPLICE_MIN, 64 * KiB, 300 * KiB, MiB, 1536 * KiB])
        off = rnd.randrange(0, SIZE - n)
        buf = nbd.Buffer(n)
        reqs.append((h.aio_pread(buf, off), buf, off, n))
        wait_below(15)
    wait_below(0)
    for cookie, buf, off, n in reqs:
        assert h.aio_command_completed(cookie)
        assert buf.to_bytearray() == expect(off, n), (off, n)
    h.shutdown()


def copied(name, n, reads=4, stride=None):
    """Bytes the server read(2) while serving @reads reads of @n bytes,
    @stride apart."""
    h = handle(name)
    before = rchar()
    for i in range(reads):
        off = i * (stride or n)
        assert h.pread(n, off) == expect(off, n)
    after = rchar()
    h.shutdown()
    return after - before


def tmpfs_not_copied():
    need(shm)
    got = copied("shm", MiB)
    assert got < 64 * KiB, "4 MiB of reads read(2) %d bytes" % got
    # Below the threshold the copy is cheaper: read the usual way.
    got = copied("shm", 8 * KiB, reads=64)
    assert got >= 64 * 8 * KiB, got


def pipes():
    """The server's open pipes."""
    d = "/proc/%d/fd" % srv.proc.pid
    n = 0
    for fd in os.listdir(d):
        try:
            n += os.readlink(os.path.join(d, fd)).startswith("pipe:")
        except OSError:
            pass
    return n


def pipe_only_where_it_splices():
    """A connection whose graph can never splice (a quorum) neither makes
    the pipe nor queues its reads for the send lock before reading; one
    that splices makes one pipe (two descriptors)."""
    need(shm)
    before = pipes()
    h = handle("quorum")
    assert h.pread(MiB, 0) == expect(0, MiB)
    assert pipes() == before, (before, pipes())
    s = handle("shm")
    assert s.pread(MiB, 0) == expect(0, MiB)
    assert pipes() == before + 2, (before, pipes())
    h.shutdown()
    s.shutdown()


def quorum_copied():
    # A quorum's reads must reach every child and be voted on.
    got = copied("quorum", MiB)
    assert got >= 3 * 4 * MiB, got


def cachestat_works(path):
    libc = ctypes.CDLL(None, use_errno=True)
    rng = (ctypes.c_uint64 * 2)(0, 4096)
    out = (ctypes.c_uint64 * 5)()
    fd = os.open(path, os.O_RDONLY)
    try:
        return libc.syscall(451, fd, rng, out, 0) == 0
    finally:
        os.close(fd)


def disk_cache_only():
    need(disk)
    fstype = run("stat", "-f", "-c", "%T", disk).stdout.strip()
    if fstype == "tmpfs":
        raise Skip("/var/tmp is tmpfs here: every range splices")
    fd = os.open(disk, os.O_RDONLY)
    os.fdatasync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
    # Not in the page cache: read the usual way (the pool), not spliced.
    # Reads 2 MiB apart, beyond the kernel's read-ahead of each other.
    got = copied("disk", 64 * KiB, stride=2 * MiB)
    assert got >= 4 * 64 * KiB, got
    if not cachestat_works(disk):
        raise Skip("kernel without cachestat(2): disk files never splice")
    # Now cached: spliced.
    got = copied("disk", 64 * KiB, stride=2 * MiB)
    assert got < 16 * KiB, got


def disk_one_cache_check():
    """On disk, a read that splices asks the page cache once
    (cachestat(2)), not once before the send lock and again under it:
    with the lock free the server goes straight to the splice."""
    need(disk)
    if run("stat", "-f", "-c", "%T", disk).stdout.strip() == "tmpfs":
        raise Skip("/var/tmp is tmpfs here: no cache check")
    if not cachestat_works(disk):
        raise Skip("kernel without cachestat(2)")
    if not shutil.which("strace"):
        raise Skip("no strace")
    h = handle("disk")
    assert h.pread(64 * KiB, 0) == expect(0, 64 * KiB)   # pipe made
    log = os.path.join(TMP, "splice-strace.log")
    st = subprocess.Popen(["strace", "-f", "-o", log, "-p",
                           str(srv.proc.pid)],
                          stderr=subprocess.PIPE, text=True)
    time.sleep(1)
    if st.poll() is not None:
        raise Skip("strace cannot attach: " + st.stderr.read().strip())
    n = 100
    for i in range(n):
        assert h.pread(64 * KiB, i * 64 * KiB) == expect(i * 64 * KiB,
                                                         64 * KiB)
    st.send_signal(2)
    st.communicate(timeout=30)
    h.shutdown()
    text = open(log).read()
    splices = text.count("splice(")
    checks = text.count("cachestat(") + text.count("syscall_0x1c3(")
    assert splices >= 2 * n, splices        # into the pipe, and out
    assert checks <= n + 5, (checks, n)


check("splice: every read shape, tmpfs raw file", shapes, "shm", shm)
check("splice: every read shape, disk raw file", shapes, "disk", disk)
check("splice: 200 reads in flight, tmpfs", in_flight, "shm", shm)
check("splice: 200 reads in flight, disk", in_flight, "disk", disk)
check("splice: a cached raw file is not copied", tmpfs_not_copied)
check("splice: a quorum's reads are copied and voted", quorum_copied)
check("splice: on disk only what the page cache holds", disk_cache_only)
check("splice: on disk one cache check per read", disk_one_cache_check)
check("splice: quorum data still right", shapes, "quorum", True)
check("splice: a pipe only where reads can splice", pipe_only_where_it_splices)
finish()
