"""The Python suites' harness (stdlib only): start a daemon or server,
wait for its socket, stop it and clean up; talk QMP and NBD to it.
Used by tests/qmp, tests/nbd-events, tests/stress, tests/crash,
tests/faults, tests/vm and tests/netns (which import it from here)."""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS = os.environ.get('QSD', os.path.join(ROOT, 'build', 'qemu-storage-daemon'))
QEMU = os.environ.get('QEMU_QSD', '/usr/bin/qemu-storage-daemon')


class Skip(Exception):
    pass


def connect_unix(path, proc=None, timeout=10):
    """A stream socket connected to @path, retried while the server
    starts.  OSError once @proc (the server, if given) has exited or
    @timeout seconds have passed."""
    deadline = time.time() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if (proc and proc.poll() is not None) or time.time() > deadline:
                raise
        time.sleep(0.02)


def wait_for_path(path, proc=None, what='server', timeout=10):
    """Wait until @path exists (a socket @proc creates)."""
    deadline = time.time() + timeout
    while not os.path.exists(path):
        if proc and proc.poll() is not None:
            raise RuntimeError('%s exited with %d' % (what, proc.returncode))
        if time.time() > deadline:
            raise RuntimeError('%s did not create %s' % (what, path))
        time.sleep(0.02)


def asan_env(quarantine_mb):
    """The environment for a daemon whose RSS a test bounds.  Under ASan
    (the sanitizer runs set ASAN_OPTIONS) its quarantine of freed memory,
    256 MiB by default, would count as the daemon's own: cap it at
    @quarantine_mb MiB, small enough to fill before the test measures."""
    env = dict(os.environ)
    if 'ASAN_OPTIONS' in env:
        env['ASAN_OPTIONS'] += ':quarantine_size_mb=%d' % quarantine_mb
    return env


def stop_process(proc, sig=signal.SIGTERM, timeout=10):
    """Send @sig to @proc if it runs, then SIGKILL if it has not exited
    after @timeout seconds; its exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.returncode


class Daemon:
    """One daemon with one unix-socket monitor (more with monitors=N)."""

    def __init__(self, binary, args=(), monitors=1, negotiate=True,
                 prepare=None, env=None):
        if not os.path.exists(binary):
            raise Skip('%s not installed' % binary)
        self.dir = tempfile.mkdtemp(prefix='qsd-test-')
        if prepare:
            prepare(self.dir)       # e.g. image files the args name
        self.socks = [os.path.join(self.dir, 'm%d.sock' % i)
                      for i in range(monitors)]
        argv = [binary]
        for i, path in enumerate(self.socks):
            argv += ['--chardev',
                     'socket,id=mon%d,path=%s,server=on,wait=off' % (i, path),
                     '--monitor', 'chardev=mon%d' % i]
        argv += [a.replace('@DIR@', self.dir) for a in args]
        env = dict(os.environ, **(env or {}))
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.conns = [self.connect(p, negotiate) for p in self.socks]
        self.c = self.conns[0]

    def connect(self, path, negotiate=True):
        try:
            conn = Conn(connect_unix(path, self.proc))
        except OSError:
            raise RuntimeError('daemon did not start: %r' %
                               self.proc.stderr.read())
        # A loaded machine may take long to start a daemon.
        conn.greeting = conn.recv(60)
        if negotiate:
            r = conn.cmd('qmp_capabilities')
            # Debian's daemon, connected to while it starts on a loaded
            # machine, has been seen to greet twice: skip a second one.
            while isinstance(r, dict) and 'QMP' in r:
                r = conn.reply()
            assert r == {'return': {}}, 'qmp_capabilities answered %r' % (r,)
        return conn

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        for c in self.conns:
            c.close()
        stop_process(self.proc)
        self.proc.stdout.close()
        self.proc.stderr.close()
        subprocess.call(['rm', '-rf', self.dir])
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class Conn:
    """A QMP connection over @sock (connected) or to the path @sock."""

    def __init__(self, sock):
        if isinstance(sock, str):
            path = sock
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
        self.sock = sock
        self.buf = b''
        self.events = []

    def close(self):
        self.sock.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def recv_line(self, timeout=10):
        """One raw line (with its \\r\\n), or None on timeout."""
        self.sock.settimeout(timeout)
        while b'\r\n' not in self.buf:
            try:
                d = self.sock.recv(1 << 20)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line + b'\r\n'

    def recv(self, timeout=10):
        line = self.recv_line(timeout)
        return None if line is None else json.loads(line)

    def reply(self, timeout=10):
        """Next non-event message; events are kept in self.events."""
        while True:
            m = self.recv(timeout)
            if m is None or 'event' not in m:
                return m
            self.events.append(m)

    def cmd(self, name, args=None, **kw):
        req = {'execute': name}
        if args is not None:
            req['arguments'] = args
        req.update(kw)
        self.send(json.dumps(req) + '\n')
        return self.reply()

    def quiet(self, timeout=0.2):
        """Whatever arrives within @timeout, as raw lines."""
        out = []
        while True:
            line = self.recv_line(timeout)
            if line is None:
                return out
            out.append(line)


class NbdError(Exception):
    def __init__(self, op, errno):
        super().__init__('%s failed: errno %d' % (op, errno))
        self.errno = errno


class Nbd:
    """A minimal NBD client (fixed newstyle, NBD_OPT_GO, simple replies),
    enough for tests to do I/O on a node through a daemon's export."""

    IHAVEOPT = 0x49484156454F5054

    def __init__(self, path, name=''):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.handle = 0
        magic, opt, _ = struct.unpack('>QQH', self._recv(18))
        assert magic == 0x4e42444d41474943 and opt == self.IHAVEOPT
        self.sock.sendall(struct.pack('>I', 3))     # fixed newstyle, no zeroes
        name = name.encode()
        data = struct.pack('>I', len(name)) + name + struct.pack('>H', 0)
        self.sock.sendall(struct.pack('>QII', self.IHAVEOPT, 7, len(data)) +
                          data)                     # NBD_OPT_GO
        while True:
            _, _, rtype, length = struct.unpack('>QIII', self._recv(20))
            payload = self._recv(length)
            if rtype == 1:                          # NBD_REP_ACK
                break
            if rtype & (1 << 31):
                raise RuntimeError('NBD_OPT_GO refused: %#x %r' %
                                   (rtype, payload))
            if rtype == 3 and struct.unpack('>H', payload[:2])[0] == 0:
                self.size = struct.unpack('>Q', payload[2:10])[0]

    def _recv(self, n):
        buf = b''
        while len(buf) < n:
            d = self.sock.recv(n - len(buf))
            if not d:
                raise EOFError('NBD server closed the connection')
            buf += d
        return buf

    def _request(self, op, cmd, offset=0, length=0, payload=b''):
        self.handle += 1
        self.sock.sendall(struct.pack('>IHHQQI', 0x25609513, 0, cmd,
                                      self.handle, offset, length) + payload)
        magic, err, handle = struct.unpack('>IIQ', self._recv(16))
        assert magic == 0x67446698 and handle == self.handle, (magic, handle)
        if err:
            raise NbdError(op, err)
        return self._recv(length) if cmd == 0 else b''

    def read(self, offset, length):
        return self._request('read', 0, offset, length)

    def write(self, offset, data):
        self._request('write', 1, offset, len(data), data)

    def flush(self):
        self._request('flush', 3)

    def close(self):
        self.sock.close()


def mask(line):
    """Hide what legitimately differs: versions and generated node names."""
    if isinstance(line, bytes):
        line = line.decode('utf-8', 'replace')
    line = re.sub(r'"version": \{"qemu": \{[^}]*\}, "package": "[^"]*"\}',
                  '"version": VERSION', line)
    line = re.sub(r'^\{"return": \{"qemu": \{[^}]*\}, "package": "[^"]*"\}',
                  '{"return": VERSION', line)
    line = re.sub(r'#block\d+', '#blockN', line)
    return line


def converse(binary, messages, args=(), negotiate=True, wait=0.3):
    """Send each raw message, collect the masked lines answered to it."""
    with Daemon(binary, args, negotiate=negotiate) as d:
        out = [mask(d.c.greeting and json.dumps(d.c.greeting))]
        for m in messages:
            d.c.send(m)
            out.append([mask(l) for l in d.c.quiet(wait)])
        d.c.send('{"execute": "query-version"}\n')
        out.append('alive' if d.c.quiet(5) else 'dead')
        return out


SYNC = '\n{"execute": "query-version", "id": "sync-end"}\n'


def transcript(binary, text, args=(), negotiate=True, timeout=10):
    """Send @text in one go, then a sync request; masked reply lines."""
    with Daemon(binary, args, negotiate=negotiate) as d:
        lines = [mask(json.dumps(d.c.greeting))]
        d.c.send(text + SYNC)
        while True:
            line = d.c.recv_line(timeout)
            if line is None:
                lines.append('<no sync reply>')
                break
            lines.append(mask(line))
            if b'"sync-end"' in line:
                break
        return lines


def assert_same(theirs, ours):
    """Two transcripts (lists) must be identical; show the first lines
    that differ."""
    if ours != theirs:
        diff = ['  qemu: %s\n  ours: %s' % (t, o)
                for t, o in zip(theirs, ours) if t != o]
        if len(ours) != len(theirs):
            diff.append('  %d lines vs %d' % (len(theirs), len(ours)))
        raise AssertionError('differs from QEMU:\n' + '\n'.join(diff[:5]))


def compare(text, args=(), negotiate=True):
    """Ours and QEMU's transcripts must be identical."""
    if not os.path.exists(QEMU):
        raise Skip('no QEMU oracle')
    theirs = transcript(QEMU, text, args, negotiate)
    ours = transcript(OURS, text, args, negotiate)
    assert_same(theirs, ours)


def on_both_with_images(run, sizes, prefix='qmp-images-'):
    """run(binary, dir) for QEMU's daemon, then ours, each time with fresh
    image files img0.raw, img1.raw, ... of @sizes in the same directory
    (so paths in replies match).  Returns (theirs, ours)."""
    if not os.path.exists(QEMU):
        raise Skip('no QEMU oracle')
    d = tempfile.mkdtemp(prefix=prefix)
    try:
        out = []
        for binary in (QEMU, OURS):
            for i, size in enumerate(sizes):
                with open(os.path.join(d, 'img%d.raw' % i), 'wb') as f:
                    f.truncate(size)
            out.append(run(binary, d))
        return tuple(out)
    finally:
        subprocess.call(['rm', '-rf', d])
