"""Helpers for the NBD server tests: start nbd-test-server, talk raw NBD.

Each test script calls check(name, fn) for its cases; results print as
"PASS: name" / "FAIL: name" / "SKIP: name" lines that tests/nbd-server/run
counts.  Every script gets its own temporary directory, removed at exit.
"""
import atexit
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

BUILD = os.environ.get("BUILD_DIR", os.path.join(
    os.path.dirname(__file__), "..", "..", "build"))
SERVER = os.path.join(BUILD, "tests", "nbd-server", "nbd-test-server")
TMP = tempfile.mkdtemp(prefix="nbd-test.")
ENV = dict(os.environ, PATH="/usr/bin:/bin:" + os.environ.get("PATH", ""))
_servers = []
results = {"pass": 0, "fail": 0, "skip": 0}


class Skip(Exception):
    pass


def _cleanup():
    for s in _servers:
        s.kill()
    shutil.rmtree(TMP, ignore_errors=True)


atexit.register(_cleanup)

# ---- constants (see include/block/nbd.h) ----
NBDMAGIC = 0x4e42444d41474943
IHAVEOPT = 0x49484156454F5054
REPMAGIC = 0x0003e889045565a9
REQ_MAGIC = 0x25609513
SIMPLE_MAGIC = 0x67446698
STRUCT_MAGIC = 0x668e33ef
OPT_EXPORT_NAME, OPT_ABORT, OPT_LIST, OPT_STARTTLS = 1, 2, 3, 5
OPT_INFO, OPT_GO, OPT_STRUCTURED_REPLY = 6, 7, 8
OPT_LIST_META, OPT_SET_META = 9, 10
REP_ACK, REP_SERVER, REP_INFO, REP_META = 1, 2, 3, 4
ERR = 1 << 31
REP_ERR_UNSUP, REP_ERR_POLICY, REP_ERR_INVALID = ERR + 1, ERR + 2, ERR + 3
REP_ERR_UNKNOWN, REP_ERR_TOO_BIG = ERR + 6, ERR + 9
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH, CMD_TRIM, CMD_CACHE = 0, 1, 2, 3, 4, 5
CMD_WRITE_ZEROES, CMD_BLOCK_STATUS = 6, 7
FLAG_FUA, FLAG_NO_HOLE, FLAG_DF, FLAG_REQ_ONE, FLAG_FAST_ZERO = 1, 2, 4, 8, 16
EPERM, EIO, ENOMEM, EINVAL, ENOSPC, EOVERFLOW, ENOTSUP = 1, 5, 12, 22, 28, 75, 95
TYPE_NONE, TYPE_DATA, TYPE_HOLE, TYPE_BS = 0, 1, 2, 5
TYPE_ERROR = (1 << 15) + 1


def check(name, fn, *args):
    """Run one case; exceptions are failures, Skip is a skip."""
    try:
        fn(*args)
    except Skip as e:
        print("SKIP: %s (%s)" % (name, e), flush=True)
        results["skip"] += 1
    except Exception:
        print("FAIL: %s" % name, flush=True)
        traceback.print_exc(file=sys.stdout)
        results["fail"] += 1
    else:
        print("PASS: %s" % name, flush=True)
        results["pass"] += 1


def finish():
    sys.exit(1 if results["fail"] else 0)


def run(*argv, check_rc=True, input=None):
    p = subprocess.run(argv, env=ENV, capture_output=True, text=True,
                       input=input, timeout=120)
    if check_rc and p.returncode != 0:
        raise AssertionError("%s: rc %d\n%s%s" % (" ".join(argv),
                             p.returncode, p.stdout, p.stderr))
    return p


def make_image(name, size="4M", pattern=None):
    """A raw image; pattern: list of (byte, offset, length) to write."""
    path = os.path.join(TMP, name)
    run("qemu-img", "create", "-f", "raw", path, str(size))
    for (byte, off, length) in pattern or []:
        run("qemu-io", "-f", "raw", "-c",
            "write -P 0x%x %d %d" % (byte, off, length), path)
    return path


class Server:
    """nbd-test-server with a command pipe on stdin."""

    def __init__(self, *args, sock=None):
        self.sock = sock or os.path.join(TMP, "s%d.sock" % len(_servers))
        self.proc = subprocess.Popen([SERVER, "-k", self.sock] + list(args),
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     env=ENV)
        _servers.append(self)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise AssertionError("server did not start: %r %s" %
                                 (line, self.proc.stderr.read()))
        self.events = []

    def uri(self, name=""):
        return "nbd+unix:///%s?socket=%s" % (name, self.sock)

    def cmd(self, line):
        """Send a command; return its answer lines (events kept apart)."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = []
        while True:
            l = self.proc.stdout.readline()
            if not l:
                raise AssertionError("server died")
            l = l.rstrip("\n")
            if l.startswith("event "):
                self.events.append(l[6:])
                continue
            out.append(l)
            if l == "ok" or l.startswith("error:"):
                return out

    def wait_event(self, ev, timeout=5):
        end = time.time() + timeout
        while ev not in self.events and time.time() < end:
            self.cmd("clients")
            time.sleep(0.02)
        return ev in self.events

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self):
        """Graceful exit; returns the exit status."""
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        return self.proc.wait(timeout=10)


class RawClient:
    """A hand-driven NBD client for hostile-input tests."""

    def __init__(self, path, timeout=5):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(timeout)
        self.s.connect(path)

    def close(self):
        self.s.close()

    def send(self, data):
        self.s.sendall(data)

    def recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("server closed after %d/%d bytes" %
                               (len(buf), n))
            buf += chunk
        return buf

    def closed_by_server(self):
        """True if the server hung up (EOF or reset) within the timeout."""
        try:
            while True:
                if not self.s.recv(4096):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def greeting(self, cflags=3):
        magic, opt, hflags = struct.unpack(">QQH", self.recv(18))
        assert magic == NBDMAGIC and opt == IHAVEOPT, (magic, opt)
        self.hflags = hflags
        self.send(struct.pack(">I", cflags))
        self.no_zeroes = bool(cflags & 2)
        return hflags

    def option(self, opt, data=b""):
        self.send(struct.pack(">QII", IHAVEOPT, opt, len(data)) + data)

    def reply(self):
        magic, opt, rtype, length = struct.unpack(">QIII", self.recv(20))
        assert magic == REPMAGIC, hex(magic)
        return opt, rtype, self.recv(length)

    def replies_until_final(self):
        out = []
        while True:
            opt, rtype, data = self.reply()
            out.append((rtype, data))
            if rtype == REP_ACK or rtype & ERR:
                return out

    def structured(self):
        self.option(OPT_STRUCTURED_REPLY)
        assert self.reply()[1] == REP_ACK
        self.sr = True

    def set_meta(self, name, queries):
        data = struct.pack(">I", len(name)) + name.encode()
        data += struct.pack(">I", len(queries))
        for q in queries:
            data += struct.pack(">I", len(q)) + q.encode()
        self.option(OPT_SET_META, data)
        return self.replies_until_final()

    def go(self, name="", infos=()):
        data = struct.pack(">I", len(name)) + name.encode()
        data += struct.pack(">H", len(infos))
        for i in infos:
            data += struct.pack(">H", i)
        self.option(OPT_GO, data)
        reps = self.replies_until_final()
        for rtype, d in reps:
            if rtype == REP_INFO and struct.unpack(">H", d[:2])[0] == 0:
                self.size, self.eflags = struct.unpack(">QH", d[2:12])
        return reps

    def connect(self, name="", structured=False, meta=False):
        self.greeting()
        self.sr = False
        if structured:
            self.structured()
        if meta:
            self.set_meta(name, ["base:allocation"])
        reps = self.go(name)
        assert reps[-1][0] == REP_ACK, reps
        return self

    def request(self, cmd, offset=0, length=0, flags=0, handle=1,
                data=b""):
        self.send(struct.pack(">IHHQQI", REQ_MAGIC, flags, cmd, handle,
                              offset, length) + data)

    def simple_reply(self, datalen=0):
        magic, err, handle = struct.unpack(">IIQ", self.recv(16))
        assert magic == SIMPLE_MAGIC, hex(magic)
        data = self.recv(datalen) if err == 0 and datalen else b""
        return err, handle, data

    def chunk(self, magic=None):
        if magic is None:
            magic = struct.unpack(">I", self.recv(4))[0]
        assert magic == STRUCT_MAGIC, hex(magic)
        flags, ctype, handle, length = struct.unpack(">HHQI", self.recv(16))
        return flags, ctype, handle, self.recv(length)

    def chunks(self, magic=None):
        """All chunks of one structured reply (until DONE)."""
        out = []
        while True:
            c = self.chunk(magic)
            magic = None
            out.append(c)
            if c[0] & 1:
                return out

    def reply_error(self, datalen=0):
        """Error code of the next reply, simple or structured (both are
        allowed for commands other than READ once structured replies are
        negotiated)."""
        magic = struct.unpack(">I", self.recv(4))[0]
        if magic == SIMPLE_MAGIC:
            err, handle = struct.unpack(">IQ", self.recv(12))
            if err == 0 and datalen:
                self.recv(datalen)
            return err
        errs = [struct.unpack(">I", c[3][:4])[0]
                for c in self.chunks(magic) if c[1] & 0x8000]
        return errs[0] if errs else 0
