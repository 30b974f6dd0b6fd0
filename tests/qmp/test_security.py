"""Security defaults (docs/reliability.md, "The monitor is an
administrator's interface"): unix sockets are owner-only whatever the
umask."""
import contextlib
import os
import stat
from qmplib import OURS, Daemon


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
