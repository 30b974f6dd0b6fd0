"""Garbage, huge, deeply nested and truncated input never crashes or
hangs the daemon; a client that never reads does not block others."""
import os
import random
import socket
import time
from qmplib import Daemon, OURS, QEMU, compare, transcript


def alive_and_answering(d):
    assert d.alive(), 'daemon died'
    c = d.connect(d.socks[0], negotiate=False) if d.c is None else d.c
    r = c.cmd('query-version', id='alive')
    assert r is not None and r.get('id') == 'alive', r


def test_garbage():
    rnd = random.Random(4)
    with Daemon(OURS) as d:
        for i in range(30):
            d.c.send(bytes(rnd.randrange(256) for _ in range(2000)))
        d.c.send(b'\n}}]]\xff\n')
        d.c.quiet(0.3)
        alive_and_answering(d)


def test_garbage_same_as_qemu():
    rnd = random.Random(7)
    alphabet = '{}[]:,"\'\\ \n\tabtrufelsn01-.e+%@\x01\xff'
    text = ''.join(rnd.choice(alphabet) for _ in range(3000))
    compare(text + '\n\xff\n}}]]]]\n')


def test_huge_string():
    with Daemon(OURS) as d:
        d.c.send('{"execute": "' + 'x' * (8 << 20) + '"}\n')
        r = d.c.reply(timeout=60)
        assert r['error']['class'] == 'CommandNotFound', str(r)[:200]
        alive_and_answering(d)


def test_huge_token_limit():
    # One token over QEMU's 64 MiB limit is refused, and the daemon lives.
    with Daemon(OURS) as d:
        d.c.send(b'"' + b'a' * ((64 << 20) + 16) + b'"\n')
        lines = d.c.quiet(20)
        assert b'JSON token size limit exceeded' in lines[0], lines[:1]
        alive_and_answering(d)


def test_deep_nesting():
    with Daemon(OURS) as d:
        d.c.send('[' * 200000 + '\n')
        d.c.send('{"a":' * 100000 + '\n')
        d.c.quiet(0.5)
        d.c.close()
        d.c = d.conns[0] = d.connect(d.socks[0])
        alive_and_answering(d)


def test_many_tokens():
    with Daemon(OURS) as d:
        d.c.send('[' + '1,' * 300000 + '1]\n')
        r = d.c.reply(timeout=60)
        assert r['error']['desc'] == 'QMP input must be a JSON object', r
        alive_and_answering(d)


def test_truncated_then_disconnect():
    with Daemon(OURS) as d:
        d.c.close()     # one client at a time per monitor, as QEMU
        for frag in ('{"execute": "query-ver', '{"execute": "quit", "argu',
                     '"\\u12', '[[[[', "{'a", '-', 'tru'):
            c = d.connect(d.socks[0], negotiate=False)
            c.send(frag)
            c.close()
        d.c = d.conns[0] = d.connect(d.socks[0])
        alive_and_answering(d)


def test_truncated_fragments_same_as_qemu():
    compare('{"execute": \n"query-version"}\n{"execute"\n: "blockdev-del"'
            '\n, "id": 1}\n[1,\n2]\n')


def test_client_that_never_reads():
    with Daemon(OURS, monitors=2) as d:
        d.c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        req = b'{"execute": "query-named-block-nodes"}\n' * 20000
        d.c.sock.settimeout(5)
        try:
            d.c.send(req)
        except (socket.timeout, BlockingIOError):
            pass     # the daemon stopped reading: that is the point
        r = d.conns[1].cmd('query-version', id=1)
        assert r['id'] == 1, r


def test_sigterm_exits_zero():
    d = Daemon(OURS, ['--blockdev', 'driver=null-co,node-name=n'])
    d.proc.terminate()
    assert d.proc.wait(10) == 0
    for p in d.socks:
        assert not os.path.exists(p)
    d.stop()


def test_quit_exits_zero():
    d = Daemon(OURS)
    assert d.c.cmd('quit', id=3) == {'return': {}, 'id': 3}
    assert d.proc.wait(10) == 0
    d.stop()
