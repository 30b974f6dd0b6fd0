"""Security defaults (docs/reliability.md, "The monitor is an
administrator's interface"): unix sockets are owner-only whatever the
umask, an inet listener without a host listens on loopback only, and the
daemon serves a quorum as an unprivileged user."""
import contextlib
import errno
import os
import shutil
import socket
import stat
import subprocess
import tempfile
from qmplib import (OURS, Conn, Daemon, Skip, connect_unix, stop_process,
                    wait_for_path)

QEMU_IO = '/usr/bin/qemu-io'


@contextlib.contextmanager
def umask(mask):
    """The daemons started inside inherit @mask."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def sock_mode(path):
    st = os.lstat(path)
    assert stat.S_ISSOCK(st.st_mode), '%s is no socket' % path
    return stat.S_IMODE(st.st_mode)


def unix(path):
    return {'type': 'unix', 'data': {'path': path}}


def test_unix_sockets_owner_only():
    """Monitor, --nbd-server and nbd-server-start sockets: 0600 under
    umask 000, also where a stale file with another mode was."""
    with umask(0):
        d = Daemon(OURS, ['--blockdev', 'null-co,node-name=n',
                          '--nbd-server',
                          'addr.type=unix,addr.path=@DIR@/n.sock'])
    with d:
        for name in ('m0.sock', 'n.sock'):
            mode = sock_mode(os.path.join(d.dir, name))
            assert mode == 0o600, '%s has mode %o' % (name, mode)
        assert d.c.cmd('nbd-server-stop') == {'return': {}}
        q = os.path.join(d.dir, 'q.sock')
        with umask(0):
            open(q, 'w').close()
            os.chmod(q, 0o777)
        assert d.c.cmd('nbd-server-start', {'addr': unix(q)}) == \
            {'return': {}}
        assert sock_mode(q) == 0o600, 'q.sock has mode %o' % sock_mode(q)
        # Widening is the administrator's chmod, and it stays.
        os.chmod(q, 0o660)
        assert d.c.cmd('nbd-server-add', {'device': 'n'}) == {'return': {}}
        assert sock_mode(q) == 0o660


def test_empty_unix_path_refused():
    """path= once bound an abstract name of NULs, open to anybody; QEMU
    invents /tmp/qemu-socket-XXXXXX instead, we refuse."""
    p = subprocess.run([OURS, '--chardev', 'socket,id=m,path=,server=on,'
                        'wait=off', '--monitor', 'm'],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=20)
    assert p.returncode == 1 and p.stderr.endswith(
        ": Parameter 'path' is missing\n"), (p.returncode, p.stderr)


def _hex_addr(h):
    """An address of /proc/net/tcp{,6}: 32-bit words in host order."""
    raw = bytes.fromhex(h)
    words = b''.join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4
                            else socket.AF_INET6, words)


def tcp_listeners(pid):
    """[(address, port)] of the TCP sockets @pid listens on."""
    inodes = set()
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            link = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        if link.startswith('socket:['):
            inodes.add(link[8:-1])
    out = []
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with open(table) as f:
            next(f)
            for line in f:
                col = line.split()
                if col[3] == '0A' and col[9] in inodes:     # TCP_LISTEN
                    addr, port = col[1].split(':')
                    out.append((_hex_addr(addr), int(port, 16)))
    return out


def other_addresses():
    """This machine's addresses outside loopback (link-local left out:
    they need a scope)."""
    try:
        out = subprocess.run(['ip', '-o', 'addr', 'show'],
                             capture_output=True, text=True).stdout
    except OSError:
        return []
    addrs = []
    for line in out.splitlines():
        col = line.split()
        if col[1] != 'lo' and col[2] in ('inet', 'inet6') and \
                not col[3].startswith('fe80:'):
            addrs.append(col[3].split('/')[0])
    return addrs


def refused(addr, port):
    family = socket.AF_INET6 if ':' in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        return s.connect_ex((addr, port)) == errno.ECONNREFUSED


def greets(port, magic):
    with socket.create_connection(('127.0.0.1', port), 5) as s:
        return s.recv(len(magic)) == magic


def check_loopback_only(pid, magic):
    """The one listener is 127.0.0.1's, greets there and nowhere else."""
    tcp = tcp_listeners(pid)
    assert len(tcp) == 1 and tcp[0][0] == '127.0.0.1', tcp
    port = tcp[0][1]
    assert greets(port, magic)
    for addr in other_addresses():
        assert refused(addr, port), 'reached on %s:%d' % (addr, port)
    return port


def test_inet_empty_host_is_loopback():
    """QEMU listens on every address for host=''; we on loopback: the
    monitor chardev, --nbd-server and nbd-server-start."""
    d = Daemon(OURS, ['--chardev', 'socket,id=t,host=,port=0,server=on,'
                                   'wait=off', '--monitor', 't'])
    with d:
        check_loopback_only(d.proc.pid, b'{"QMP"')
    d = Daemon(OURS, ['--nbd-server',
                      'addr.type=inet,addr.host=,addr.port=0'])
    with d:
        check_loopback_only(d.proc.pid, b'NBDMAGIC')
        assert d.c.cmd('nbd-server-stop') == {'return': {}}
        assert tcp_listeners(d.proc.pid) == []
        r = d.c.cmd('nbd-server-start', {'addr': {
            'type': 'inet', 'data': {'host': '', 'port': '0'}}})
        assert r == {'return': {}}, r
        check_loopback_only(d.proc.pid, b'NBDMAGIC')
        # Every address is there for whoever asks for it.
        assert d.c.cmd('nbd-server-stop') == {'return': {}}
        r = d.c.cmd('nbd-server-start', {'addr': {
            'type': 'inet', 'data': {'host': '0.0.0.0', 'port': '0'}}})
        assert r == {'return': {}}, r
        tcp = tcp_listeners(d.proc.pid)
        assert [a for a, _ in tcp] == ['0.0.0.0'], tcp
        for addr in other_addresses():
            if ':' not in addr:
                assert not refused(addr, tcp[0][1]), addr


def test_inet_port_above_65535_refused():
    """glibc keeps a numeric port's low 16 bits, and QEMU listens on port
    1 for port=65537; we refuse it, as getaddrinfo() refuses a bad
    service, in the listeners and the nbd client."""
    def refused(argv, msg):
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=20)
        assert p.returncode == 1 and p.stderr.endswith(
            ': %s: Servname not supported for ai_socktype\n' % msg), \
            (argv, p.returncode, p.stderr)

    refused([OURS, '--nbd-server', 'addr.type=inet,addr.host=127.0.0.1,'
             'addr.port=65537'],
            'address resolution failed for 127.0.0.1:65537')
    refused([OURS, '--chardev', 'socket,id=m,host=,port=4294967297,'
             'server=on,wait=off', '--monitor', 'm'],
            'address resolution failed for :4294967297')
    refused([os.path.join(os.path.dirname(OURS), 'qemu-io'), '--image-opts',
             '-c', 'quit', 'driver=nbd,server.type=inet,server.host='
             '127.0.0.1,server.port=65546'],
            "can't open: address resolution failed for 127.0.0.1:65546")


def proc_status(pid):
    with open('/proc/%d/status' % pid) as f:
        return dict(l.rstrip('\n').split(':\t', 1) for l in f if ':\t' in l)


def test_unprivileged_quorum_over_nbd():
    """The daemon as nobody:nogroup serves a three-way quorum over NBD;
    Debian's qemu-io, as nobody too, writes and reads through it, also
    with one replica corrupted."""
    if os.geteuid() != 0:
        raise Skip('needs root to switch to nobody')
    if not shutil.which('setpriv') or not os.path.exists(QEMU_IO):
        raise Skip('needs setpriv and %s' % QEMU_IO)
    tmp = tempfile.mkdtemp(prefix='qsd-nobody-')
    nobody = ['setpriv', '--reuid=nobody', '--regid=nogroup',
              '--clear-groups']
    proc = None
    try:
        os.chmod(tmp, 0o755)
        uid = int(subprocess.check_output(['id', '-u', 'nobody']))
        os.chown(tmp, uid, -1)
        opts = 'driver=quorum,node-name=vol,vote-threshold=2'
        for i in range(3):
            img = os.path.join(tmp, 'r%d.raw' % i)
            subprocess.check_call(nobody + ['truncate', '-s', '1M', img])
            opts += (',children.%d.driver=raw,children.%d.file.driver=file,'
                     'children.%d.file.filename=%s' % (i, i, i, img))
        mon, nbd = os.path.join(tmp, 'm.sock'), os.path.join(tmp, 'n.sock')
        proc = subprocess.Popen(nobody + [
            OURS, '--chardev', 'socket,id=m,path=%s,server=on,wait=off' % mon,
            '--monitor', 'chardev=m', '--blockdev', opts,
            '--nbd-server', 'addr.type=unix,addr.path=%s' % nbd,
            '--export', 'type=nbd,id=e,node-name=vol,name=disk,writable=on'],
            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        c = Conn(connect_unix(mon, proc))
        c.recv(60)
        assert c.cmd('qmp_capabilities') == {'return': {}}
        wait_for_path(nbd, proc)
        st = proc_status(proc.pid)
        assert st['Uid'].split()[0] == str(uid), st['Uid']
        assert int(st['CapEff'], 16) == 0, st['CapEff']
        assert st['VmLck'].split()[0] == '0', st['VmLck']
        for path in (mon, nbd):
            assert os.stat(path).st_uid == uid and sock_mode(path) == 0o600

        url = 'nbd+unix:///disk?socket=' + nbd

        def qemu_io(*cmds):
            argv = nobody + [QEMU_IO, '-f', 'raw']
            for cmd in cmds:
                argv += ['-c', cmd]
            p = subprocess.run(argv + [url], capture_output=True, text=True,
                               timeout=60)
            assert p.returncode == 0 and 'error' not in p.stdout + p.stderr \
                and 'failed' not in p.stdout + p.stderr, (p.stdout, p.stderr)
            return p.stdout

        qemu_io('write -P 0xa5 0 64k', 'flush')
        for i in range(3):
            with open(os.path.join(tmp, 'r%d.raw' % i), 'rb') as f:
                assert f.read(65536) == b'\xa5' * 65536, 'replica %d' % i
        with open(os.path.join(tmp, 'r1.raw'), 'r+b') as f:
            f.write(b'\x00' * 4096)
        qemu_io('read -P 0xa5 0 64k')
        assert c.cmd('query-named-block-nodes')['return']
        c.close()
        assert stop_process(proc) == 0, proc.stderr.read()
    finally:
        if proc and proc.poll() is None:
            stop_process(proc)
        if proc:
            proc.stderr.close()
        shutil.rmtree(tmp, ignore_errors=True)
