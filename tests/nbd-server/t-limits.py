"""Resource limits of qemu-storage-daemon's NBD export (beyond QEMU 7.2,
which fails each of these):

- out of file descriptors, the daemon backs off instead of spinning on
  its listening sockets, and a new QMP client still gets in;
- a client that pipelines large reads and never reads the replies holds
  at most NBD_MAX_INFLIGHT_BYTES (64 MiB) of the daemon's memory;
- once such clients leave, RSS comes back to within 10 % of idle.

The figures are bounds that separate a working limit from a missing one
by a wide margin (see each case), not benchmarks.
"""
import json
import os
import resource
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "qmp"))
from nbdtest import *   # noqa: F401,F403
import qmplib           # noqa: E402

DAEMON = os.path.join(BUILD, "qemu-storage-daemon")
MiB = 1 << 20


class Daemon:
    """Our qemu-storage-daemon exporting a quorum of three sparse raw
    files as 'disk', with a QMP monitor socket."""

    def __init__(self, tag, size=64 * MiB, nofile=None):
        self.nbd = os.path.join(TMP, tag + "-nbd.sock")
        self.mon = os.path.join(TMP, tag + "-qmp.sock")
        bd = "driver=quorum,node-name=vol,vote-threshold=2"
        for i in range(3):
            img = os.path.join(TMP, "%s-r%d.raw" % (tag, i))
            with open(img, "wb") as f:
                f.truncate(size)
            c = "children.%d." % i
            bd += ",%sdriver=raw,%sfile.driver=file,%sfile.filename=%s" % (
                c, c, c, img)

        def limit():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.log = open(os.path.join(TMP, tag + ".log"), "wb")
        env = qmplib.asan_env(16)
        self.proc = subprocess.Popen(
            [DAEMON, "--chardev",
             "socket,id=m,path=%s,server=on,wait=off" % self.mon,
             "--monitor", "chardev=m", "--blockdev", bd,
             "--nbd-server", "addr.type=unix,addr.path=" + self.nbd,
             "--export", "type=nbd,id=e,node-name=vol,name=disk,writable=on"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            preexec_fn=limit, env=env)
        qmplib.wait_for_path(self.nbd, self.proc, "qemu-storage-daemon")

    def qmp(self, timeout=5):
        """A new QMP session: (socket, file) after qmp_capabilities."""
        s = qmplib.connect_unix(self.mon, self.proc, timeout)
        s.settimeout(timeout)
        f = s.makefile("rw")
        greeting = json.loads(f.readline())
        assert "QMP" in greeting, greeting
        qmp_cmd(f, "qmp_capabilities")
        return s, f

    def cpu(self):
        """User plus system CPU seconds so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")

    def settle(self, timeout=60):
        """Wait until the daemon stops using CPU (requests drained)."""
        end = time.time() + timeout
        last = self.cpu()
        while time.time() < end:
            time.sleep(0.5)
            now = self.cpu()
            if now - last < 0.03:
                return
            last = now
        raise AssertionError("daemon still busy after %d s" % timeout)

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(10)
        self.log.close()
        if rc not in (0, -15):
            raise AssertionError("daemon exited with %d" % rc)


def qmp_cmd(f, name):
    f.write(json.dumps({"execute": name}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            assert "return" in r, r
            return r["return"]


def fd_exhaustion():
    """80 connections against a limit of 64 descriptors.  Before the
    back-off the daemon spun at 100 % of a core on its readable listening
    socket (accept failing with EMFILE); now it sleeps, a new QMP client
    is let in through a reserved descriptor, and once the connections go
    the export serves again."""
    d = Daemon("fd", nofile=64)
    s, f = d.qmp()
    f.close()
    s.close()                       # the monitor is free for a new client
    conns = []
    try:
        for _ in range(80):
            c = socket.socket(socket.AF_UNIX)
            c.connect(d.nbd)        # the backlog takes what accept cannot
            conns.append(c)
        time.sleep(0.5)
        before = d.cpu()
        time.sleep(2)
        spent = d.cpu() - before
        if spent > 0.5:
            raise AssertionError("daemon used %.2f s of CPU in 2 s while "
                                 "out of descriptors" % spent)
        s, f = d.qmp()
        assert qmp_cmd(f, "query-version")["qemu"]["major"] >= 0
        f.close()
        s.close()
    finally:
        for c in conns:
            c.close()
    # Connections the daemon accepted time out of the handshake or see
    # EOF; the backlog drains; a new client is served.
    end = time.time() + 15
    while True:
        try:
            c = RawClient(d.nbd, timeout=2).connect("disk")
            c.request(CMD_READ, 0, 4096)
            err, _, data = c.simple_reply(4096)
            assert err == 0 and data == bytes(4096), err
            c.close()
            break
        except (OSError, EOFError, AssertionError):
            if time.time() > end:
                raise
            time.sleep(0.2)
    d.stop()


def flood(d, clients, reads, length):
    """@clients connections, each sending @reads reads of @length bytes
    and reading no reply; the sockets, still open."""
    conns = []
    for _ in range(clients):
        c = RawClient(d.nbd, timeout=30).connect("disk")
        c.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for j in range(reads):
            c.request(CMD_READ, (j % 2) * length, length, handle=j)
        conns.append(c)
    return conns


def inflight_bytes():
    """4 clients x 16 pipelined 32 MiB reads, replies unread: 2 GiB of
    replies asked for.  Without a cap the daemon read all of them into
    memory (RSS past 2 GiB); with it, each client holds at most 64 MiB.
    Once they leave, RSS returns to within 10 % of idle.  The stalled
    clients' unread requests leave their sockets readable with nobody
    reading them: settle() also fails if the loop keeps waking for them
    (read interest the server keeps between requests must be dropped
    once nobody waits for it)."""
    d = Daemon("mem")
    time.sleep(0.3)
    idle = d.rss()
    conns = flood(d, 4, 16, 32 * MiB)
    try:
        d.settle()
        loaded = d.rss()
        bound = idle + 4 * 64 * MiB + 64 * MiB
        if loaded > bound:
            raise AssertionError("RSS %d MiB with 4 stalled clients "
                                 "(bound %d MiB)" %
                                 (loaded // MiB, bound // MiB))
        # The server is still alive for others.
        c = RawClient(d.nbd, timeout=10).connect("disk")
        c.request(CMD_READ, 0, 4096)
        assert c.simple_reply(4096)[0] == 0
        c.close()
    finally:
        for c in conns:
            c.close()
    d.settle()
    after = d.rss()
    if after > idle * 1.10:
        raise AssertionError("RSS %d KiB after the clients left, idle was "
                             "%d KiB" % (after // 1024, idle // 1024))
    print("    idle %d KiB, loaded %d MiB, after %d KiB" %
          (idle // 1024, loaded // MiB, after // 1024))
    d.stop()


if not os.path.exists(DAEMON):
    print("SKIP: limits (no %s)" % DAEMON)
    results["skip"] += 1
else:
    check("fd exhaustion: back-off, QMP stays reachable", fd_exhaustion)
    check("in-flight bytes per client capped, RSS back to idle",
          inflight_bytes)
finish()
