"""Command-line errors: same stderr and exit status as QEMU."""
import os
import subprocess
from qmplib import OURS, QEMU, Skip

CASES = [
    ['--blockdev', 'driver=quorum,node-name=q,vote-threshold=x,'
                   'children.0.driver=null-co'],
    ['--blockdev', '{"driver":"quorum","node-name":"q","vote-threshold":"2"}'],
    ['--blockdev', '{"driver":"quorum","node-name":"q","vote-threshold":2,'
                   '"children":[]}'],
    ['--blockdev', 'driver=nope'],
    ['--blockdev', '{bad'],
    ['--blockdev', 'driver=null-co'],
    ['--blockdev', 'driver=null-co,node-name=a', '--blockdev',
     'driver=null-co,node-name=a'],
    ['--monitor', 'm'],
    ['--chardev', 'socket,id=m,path=@DIR@/x.sock,server=on,wait=off',
     '--monitor', 'zz'],
    ['--chardev', 'socket,id=m,path=@DIR@/x.sock,server=on,wait=off',
     '--monitor', 'chardev=m,mode=readline'],
    # An inet monitor: a host needs a port; host= and port= resolve
    # nothing.  (host= with a port listens: QEMU everywhere, we on
    # loopback, test_security.py.)
    ['--chardev', 'socket,id=m,host=localhost,server=on,wait=off',
     '--monitor', 'm'],
    ['--chardev', 'socket,id=m,host=,server=on,wait=off', '--monitor', 'm'],
    ['--chardev', 'socket,id=m,host=,port=,server=on,wait=off',
     '--monitor', 'm'],
    ['--chardev', 'socket,id=m,host=,port=nope,server=on,wait=off',
     '--monitor', 'm'],
    ['--object', 'foo,id=x'],
    ['--object', 'tls-creds-x509,id=t,dir=@DIR@'],
    # --object: the daemon's set of types (iothread too), help, the
    # "--object ARG: " prefix and the identifier hint.
    ['--object', 'help'], ['--object', 'iothread,help'],
    ['--object', 'secret,help'], ['--object', 'foo,help'],
    ['--object', '{"qom-type":"secret"}'], ['--object', '{bad'],
    ['--object', 'secret,id=1x'], ['--object', 'secret,id=x,data=y,noflag'],
    ['--object', 'iothread,id=x,bogus=1'],
    ['--object', 'authz-pam,id=a,service=x'],
    ['--object', 'secret,id=x,data=y', '--object', 'secret,id=x,data=z'],
    ['--object', 'iothread,id=x', '--object', 'main-loop,id=m',
     '--blockdev', 'driver=nope'],
    # --nbd-server and --export share --object's keyval_parse().
    ['--nbd-server', 'help'], ['--export', 'help'],
    ['--nbd-server', 'addr.type=unix,1x=2'],
    ['--nbd-server', 'addr.type=unix,addr.path=@DIR@/n.sock,a=1,a.b=2'],
    ['--bogus'], ['--pidfile'], ['x'],
]


def run(binary, args, tmp):
    p = subprocess.run([binary] + [a.replace('@DIR@', tmp) for a in args],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=20)
    err = p.stderr.decode().replace(binary + ':', 'PROG:')
    return p.returncode, p.stdout.decode(), err.replace(tmp, 'TMP')


def test_cli_errors_as_qemu():
    if not os.path.exists(QEMU):
        raise Skip('no QEMU oracle')
    import tempfile
    tmp = tempfile.mkdtemp()
    bad = []
    for args in CASES:
        a, b = run(QEMU, args, tmp), run(OURS, args, tmp)
        if a != b:
            bad.append('%s:\n  qemu %r\n  ours %r' % (args, a, b))
    assert not bad, '\n'.join(bad)


def test_pidfile_and_daemonize():
    import tempfile
    import time
    tmp = tempfile.mkdtemp()
    pidfile = os.path.join(tmp, 'pid')
    p = subprocess.run([OURS, '--daemonize', '--pidfile', pidfile,
                        '--blockdev', 'driver=null-co,node-name=n'],
                       timeout=20)
    assert p.returncode == 0
    pid = int(open(pidfile).read())
    os.kill(pid, 15)
    for _ in range(200):
        if not os.path.exists(pidfile):
            break
        time.sleep(0.05)
    assert not os.path.exists(pidfile)
