"""NBD server and block exports over QMP and on the command line, as
QEMU: every error of nbd-server-start/-stop, block-export-add/-del,
query-block-exports, and where BLOCK_EXPORT_DELETED falls relative to
the replies, with and without connected NBD clients."""
import json
import os
import re
import subprocess
import time
from qmplib import compare, Daemon, OURS, QEMU, Skip, mask

NULL = {'driver': 'null-co', 'node-name': 'n0', 'size': 1048576}


def cmds(*reqs):
    return ''.join(json.dumps({'execute': r[0], 'arguments': r[1]}) + '\n'
                   if len(r) > 1 else json.dumps({'execute': r[0]}) + '\n'
                   for r in reqs)


def unix(path):
    return {'type': 'unix', 'data': {'path': path}}


def mask_ts(line):
    return re.sub(r'"timestamp": \{"seconds": \d+, "microseconds": \d+\}',
                  '"timestamp": TS', mask(line))


def compare_ts(text, args=()):
    """compare() with event timestamps masked."""
    import qmplib
    old = qmplib.mask
    qmplib.mask = mask_ts
    try:
        compare(text, args)
    finally:
        qmplib.mask = old


def test_export_lifecycle():
    # The socket path is per run: each daemon gets its own @DIR@.
    compare_ts(cmds(
        ('query-block-exports',), ('nbd-server-stop',),
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        ('blockdev-add', NULL),
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        ('nbd-server-start', {'addr': unix('/tmp/qsd-export-test-%d.sock'
                                           % os.getpid())}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock')}),
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        ('block-export-add', {'type': 'nbd', 'id': 'e1', 'node-name': 'n0',
                              'writable': True}),
        ('block-export-add', {'type': 'nbd', 'id': 'e1', 'node-name': 'n0',
                              'writable': True, 'name': 'other',
                              'description': 'd', 'writethrough': True}),
        ('query-block-exports',),
        ('blockdev-del', {'node-name': 'n0'}),
        ('block-export-del', {'id': 'zz'}),
        ('block-export-del', {'id': 'e0', 'mode': 'safe'}),
        ('block-export-del', {'id': 'e0'}),
        ('query-block-exports',),
        ('block-export-del', {'id': 'e1', 'mode': 'hard'}),
        ('nbd-server-stop',), ('nbd-server-stop',),
        ('query-block-exports',),
        ('blockdev-del', {'node-name': 'n0'}),
    ))


def test_export_add_errors():
    e = {'type': 'nbd', 'id': 'e', 'node-name': 'n0'}

    def ex(**kw):
        d = dict(e)
        d.update(kw)
        return ('block-export-add', d)
    compare_ts(cmds(
        ('blockdev-add', NULL),
        ('blockdev-add', dict(NULL, **{'node-name': 'ro', 'read-only': True})),
        ('block-export-add', {}), ('block-export-add', {'type': 'nbd'}),
        ('block-export-add', {'type': 'bogus', 'id': 'e'}),
        ('block-export-add', {'id': 'e', 'node-name': 'n0'}),
        ex(type=1), ex(id=1), ex(id='1e'), ex(id='#x'), ex(id=''),
        ex(**{'node-name': 'nope'}), ex(**{'node-name': 1}),
        ex(writable='yes'), ex(writethrough=1), ex(name=1),
        ex(description=[]), ex(zzz=1), ex(**{'node-name': 'ro'},
                                          writable=True),
        ex(), ex(iothread='t0'), ex(iothread='t0', id='1x'),
        ex(iothread='t0', **{'node-name': 'nope'}),
        ('nbd-server-start', {'addr': unix('/tmp/qsd-export-test2-%d.sock'
                                           % os.getpid())}),
        ex(**{'node-name': 'ro'}, writable=True), ex(name='x' * 4097),
        ex(description='d' * 4097), ex(name='x' * 4096, id='long'),
        ex(**{'node-name': 'ro'}, id='ro'), ex(id='e2', name='ro'),
        ex(id='e3', name=''), ex(id='e3', name='', description='z'),
        ('query-block-exports',),
        ('block-export-del', {}), ('block-export-del', {'id': 1}),
        ('block-export-del', {'id': 'e', 'mode': 'soft'}),
        ('block-export-del', {'id': 'e', 'x': 1}),
        ('nbd-server-stop', {'x': 1}),
        ('query-block-exports', {'x': 1}),
        ('nbd-server-stop',),
    ))


def test_nbd_server_start_errors():
    compare_ts(cmds(
        ('nbd-server-start',), ('nbd-server-start', {'addr': {}}),
        ('nbd-server-start', {'addr': {'type': 'unix'}}),
        ('nbd-server-start', {'addr': {'type': 'unix', 'data': {}}}),
        ('nbd-server-start', {'addr': {'type': 'bogus', 'data': {}}}),
        ('nbd-server-start', {'addr': {'type': 'inet', 'data': {}}}),
        ('nbd-server-start', {'addr': {'type': 'inet',
                                       'data': {'host': '127.0.0.1'}}}),
        ('nbd-server-start', {'addr': {'type': 'fd', 'data': {}}}),
        ('nbd-server-start', {'addr': {'type': 'fd', 'data': {'str': 'x'}}}),
        ('nbd-server-start', {'addr': {'type': 'fd', 'data': {'str': '3'}}}),
        ('nbd-server-start', {'addr': unix('/nonexistent/x.sock')}),
        ('nbd-server-start', {'addr': unix(1)}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock'),
                              'tls-creds': 'nope'}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock'),
                              'max-connections': -1}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock'),
                              'max-connections': 'x'}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock'),
                              'max-connections': 1 << 32}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock'), 'x': 1}),
        ('nbd-server-start', {'addr': dict(unix('/tmp/x.sock'), x=1)}),
        ('nbd-server-start', {'addr': {'type': 'unix',
                                       'data': {'path': '/tmp/x', 'x': 1}}}),
        ('nbd-server-start', {'addr': {'type': 'inet', 'data': {
            'host': 'nonexistent.invalid', 'port': '10999'}}}),
        ('nbd-server-start', {'addr': {'type': 'inet', 'data': {
            'host': '127.0.0.1', 'port': 'nope'}}}),
        # No host and no port: QEMU's resolution error, no default port.
        ('nbd-server-start', {'addr': {'type': 'inet', 'data': {
            'host': '', 'port': ''}}}),
        ('nbd-server-start', {'addr': {'type': 'inet', 'data': {
            'host': '', 'port': 'nope'}}}),
        ('nbd-server-start', {'addr': {'type': 'inet',
                                       'data': {'port': '10999'}}}),
        ('nbd-server-start', {'addr': {'type': 'inet', 'data': {
            'host': '127.0.0.1', 'port': '0'}}, 'max-connections': 2}),
        ('nbd-server-start', {'addr': unix('/tmp/x.sock')}),
        ('nbd-server-stop',),
    ))


def test_nbd_server_add_remove():
    """The deprecated pair: id and name both default to the device."""
    compare_ts(cmds(
        ('nbd-server-add', {'device': 'n0'}),
        ('blockdev-add', NULL),
        ('blockdev-add', dict(NULL, **{'node-name': 'ro', 'read-only': True})),
        ('nbd-server-remove', {'name': 'n0'}),
        ('nbd-server-start', {'addr': unix('/tmp/qsd-export-test3-%d.sock'
                                           % os.getpid())}),
        ('nbd-server-add', {}), ('nbd-server-add', {'device': 'nope'}),
        ('nbd-server-add', {'device': 'n0'}),
        ('nbd-server-add', {'device': 'n0'}),
        ('nbd-server-add', {'device': 'n0', 'name': 'other',
                            'writable': True, 'description': 'x'}),
        ('nbd-server-add', {'device': 'ro', 'writable': True}),
        ('query-block-exports',),
        ('nbd-server-remove', {'name': 'nope'}),
        ('nbd-server-remove', {'name': 'n0', 'mode': 'x'}),
        ('nbd-server-remove', {'name': 'n0'}),
        ('nbd-server-remove', {'name': 'other', 'mode': 'hard'}),
        ('query-block-exports',),
        ('nbd-server-stop',),
    ))


CLI_CASES = [
    ['--nbd-server', 'addr.type=unix'],
    ['--nbd-server', 'addr.type=unix,addr.path=@DIR@/a.sock,x=1'],
    ['--nbd-server', 'foo'],
    ['--nbd-server', 'addr.type=inet,addr.host=127.0.0.1'],
    ['--nbd-server', 'addr.type=inet,addr.port=10999'],
    ['--nbd-server', 'addr.type=inet,addr.host=,addr.port='],
    ['--nbd-server', 'addr.type=inet,addr.host=,addr.port=nope'],
    # vsock numbers: 32 bits, decimal, checked before the bind.
    ['--nbd-server', 'addr.type=vsock,addr.cid=abc,addr.port=1'],
    ['--nbd-server', 'addr.type=vsock,addr.cid=4294967297,addr.port=1'],
    ['--nbd-server', 'addr.type=vsock,addr.cid=1,addr.port=4294967297'],
    ['--nbd-server', 'addr.type=vsock,addr.cid=-0,addr.port=1'],
    ['--nbd-server', 'addr.type=vsock,addr.cid=1,addr.port=0x10'],
    ['--nbd-server', 'addr.type=unix,addr.path=@DIR@/a.sock,max-connections=x'],
    ['--nbd-server', 'addr.type=unix,addr.path=@DIR@/a.sock,max-connections=-1'],
    ['--nbd-server', 'addr.type=unix,addr.path=/nonexistent/a'],
    ['--nbd-server', 'addr.type=unix,addr.path=@DIR@/a.sock,tls-creds=zz'],
    ['--nbd-server', 'addr.type=fd,addr.str=x'],
    ['--nbd-server', 'addr.type=bogus'],
    ['--nbd-server', 'addr.type=unix,addr.path=@DIR@/a.sock',
     '--nbd-server', 'addr.type=unix,addr.path=@DIR@/b.sock'],
    ['--export', 'type=nbd,id=e,node-name=n'],
    ['--export', 'type=nbd,id=e'],
    ['--export', 'nbd,id=e,node-name=n'],
    ['--export', 'type=bogus'],
    ['--export', 'id=e'],
    ['--export', 'type=nbd,flag,id=e'],
    ['--blockdev', 'null-co,node-name=n', '--export', 'type=nbd,id=e,node-name=n'],
]
SRV = ['--blockdev', 'null-co,node-name=n',
       '--nbd-server', 'addr.type=unix,addr.path=@DIR@/a.sock']
for extra in ['writable=maybe', 'foo=1', 'id=1e', 'iothread=t',
              'name=xx,description=yy,writethrough=on,writable=on']:
    CLI_CASES.append(SRV + ['--export', 'type=nbd,id=e,node-name=n,' + extra])
CLI_CASES.append(SRV + ['--export', 'type=nbd,id=e,node-name=n',
                        '--export', 'type=nbd,id=e,node-name=n'])
CLI_CASES.append(['--blockdev', 'null-co,node-name=n,read-only=on'] + SRV[2:] +
                 ['--export', 'type=nbd,id=e,node-name=n,writable=on'])


def run_cli(binary, args, d):
    args = [a.replace('@DIR@', d) for a in args]
    try:
        p = subprocess.run([binary] + args, capture_output=True, timeout=1)
        rc = p.returncode
        err = p.stderr
    except subprocess.TimeoutExpired as e:
        rc, err = 'running', e.stderr or b''
    err = err.decode().replace(d, 'DIR')
    return rc, re.sub(r'^\S*qemu-storage-daemon:', 'qsd:', err, flags=re.M)


def test_cli_export_options():
    if not os.path.exists(QEMU):
        raise Skip('no QEMU oracle')
    import tempfile
    bad = []
    for args in CLI_CASES:
        with tempfile.TemporaryDirectory() as d:
            theirs = run_cli(QEMU, args, d)
        with tempfile.TemporaryDirectory() as d:
            ours = run_cli(OURS, args, d)
        if ours != theirs:
            bad.append('%s\n  qemu: %r\n  ours: %r' % (args, theirs, ours))
    assert not bad, 'differs from QEMU:\n' + '\n'.join(bad[:4])


# ------------------------------------------------- events with clients

# libnbd's Python binding is Debian's, for the system interpreter.
LIBNBD_PY = '/usr/bin/python3'


def have_libnbd():
    return subprocess.call([LIBNBD_PY, '-c', 'import nbd'],
                           stderr=subprocess.DEVNULL) == 0


class Client:
    """An NBD client holding a connection (libnbd)."""

    def __init__(self, sock, name):
        self.p = subprocess.Popen(
            [LIBNBD_PY, '-c', 'import nbd, sys\nh = nbd.NBD()\n'
             'h.connect_uri(sys.argv[1])\nprint("up", flush=True)\n'
             'sys.stdin.read()',
             'nbd+unix:///%s?socket=%s' % (name, sock)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        assert self.p.stdout.readline().strip() == b'up'

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


def steps_transcript(binary, steps):
    """@steps: QMP commands (name, args) or callables taking the daemon
    dir; each command's reply is preceded by the events sent before it,
    and events arriving within 0.3 s after it are recorded too."""
    out = []
    with Daemon(binary, ['--blockdev', 'null-co,node-name=n0,size=1048576']) as d:
        clients = {}
        for s in steps:
            if callable(s):
                s(d.dir, clients)
                continue
            req = {'execute': s[0]}
            if len(s) > 1:
                req['arguments'] = json.loads(json.dumps(s[1]).replace(
                    '@DIR@', d.dir))
            d.c.send(json.dumps(req) + '\n')
            while True:
                line = d.c.recv_line()
                out.append(mask_ts(line).strip())
                if b'"event"' not in line:
                    break
            out += [mask_ts(l).strip() for l in d.c.quiet(0.3)]
        for c in clients.values():
            c.close()
    return out


def connect(name, key):
    def f(d, clients):
        clients[key] = Client(os.path.join(d, 'nbd.sock'), name)
    return f


def disconnect(key):
    def f(d, clients):
        clients.pop(key).close()
    return f


def compare_steps(steps):
    if not os.path.exists(QEMU):
        raise Skip('no QEMU oracle')
    if not have_libnbd():
        raise Skip('python3-libnbd not installed')
    theirs = steps_transcript(QEMU, steps)
    ours = steps_transcript(OURS, steps)
    assert ours == theirs, 'differs from QEMU:\n  qemu: %s\n  ours: %s' % (
        '\n        '.join(theirs), '\n        '.join(ours))


START = ('nbd-server-start', {'addr': {'type': 'unix',
                                       'data': {'path': '@DIR@/nbd.sock'}}})


def test_export_del_with_clients():
    """Safe delete refused; hard delete: the reply, then the event."""
    compare_steps([
        START,
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        connect('n0', 'a'), connect('n0', 'b'),
        ('block-export-del', {'id': 'e0'}),
        ('block-export-del', {'id': 'e0', 'mode': 'safe'}),
        ('query-block-exports',),
        disconnect('a'),
        ('block-export-del', {'id': 'e0'}),
        ('block-export-del', {'id': 'e0', 'mode': 'hard'}),
        ('query-block-exports',),
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        connect('n0', 'c'), disconnect('c'),
        ('block-export-del', {'id': 'e0'}),
        ('nbd-server-stop',),
    ])


def test_server_stop_with_clients():
    """nbd-server-stop waits: every event precedes its reply."""
    compare_steps([
        START,
        ('block-export-add', {'type': 'nbd', 'id': 'e0', 'node-name': 'n0'}),
        ('block-export-add', {'type': 'nbd', 'id': 'e1', 'node-name': 'n0',
                              'name': 'other'}),
        connect('n0', 'a'), connect('other', 'b'),
        ('nbd-server-stop',),
        ('query-block-exports',),
        START,
        ('block-export-add', {'type': 'nbd', 'id': 'e2', 'node-name': 'n0'}),
        ('nbd-server-stop',),
    ])


# Not compared: nbd-server-stop with exports that have clients mixed with
# exports that have none.  QEMU's order there (f, b, d, c, a for exports
# a..f with clients on b and d) falls out of its bottom-half and
# coroutine scheduling; ours sends the client-less ones first.
