"""Events on the wire: the envelope, rate limiting per node and global on
real time (QEMU's one-second window), the delayed last event, ordering,
and x-query-quorum counting what rate limiting merged.

I/O reaches the nodes the way a user's does: through an NBD export
(qmplib.Nbd).  An event the I/O raises is written to the monitor before
the NBD reply, so "sent at once" is checked right after the reply, and
"held back" by its arrival time: never before the window's end.  Each
timed scenario first checks that its burst of requests finished well
inside the window; on a machine too loaded for that it starts again
(Late), and fails only when that keeps happening.
"""
import json
import os
import re
import time
from qmplib import Daemon, Nbd, NbdError, OURS

WINDOW = 1.0        # QEMU's rate limit: one event per second
BURST = 0.8         # a burst must end this soon after the window opened
SLACK = 0.75        # how late a window's end may be delivered
TOL = 0.01          # wall clock vs monotonic clock, rounding
ATTEMPTS = 3


class Late(Exception):
    """The machine was too slow for a scenario's timing precondition."""


def retried(scenario):
    for _ in range(ATTEMPTS):
        try:
            return scenario()
        except Late as e:
            last = e
    raise AssertionError('too slow %d times in a row: %s' % (ATTEMPTS, last))


def bad_child(name, errno=5, iotype='read'):
    """raw -> blkdebug -> null-co: raw fires read_aio/write_aio."""
    return {'driver': 'raw', 'node-name': name,
            'file': {'driver': 'blkdebug', 'inject-error': [
                {'event': 'read_aio' if iotype == 'read' else 'write_aio',
                 'errno': errno, 'iotype': iotype}],
                'image': {'driver': 'null-co', 'size': 1048576,
                          'read-zeroes': True}}}


def good_child(name):
    return {'driver': 'null-co', 'node-name': name, 'size': 1048576,
            'read-zeroes': True}


def ok(r):
    assert r == {'return': {}}, r
    return r


def quorum(d, name, children, threshold):
    ok(d.c.cmd('blockdev-add', {'driver': 'quorum', 'node-name': name,
                                'vote-threshold': threshold,
                                'children': children}))


def export(d, node, writable=False):
    """Export @node over NBD (export name = node name); a client of it."""
    if not hasattr(d, 'nbd_sock'):
        d.nbd_sock = os.path.join(d.dir, 'nbd.sock')
        ok(d.c.cmd('nbd-server-start', {'addr': {
            'type': 'unix', 'data': {'path': d.nbd_sock}}}))
    ok(d.c.cmd('block-export-add', {'type': 'nbd', 'id': node,
                                    'node-name': node, 'writable': writable}))
    return Nbd(d.nbd_sock, node)


def failing(fn, *args):
    """Run one NBD request that must fail; its errno."""
    try:
        fn(*args)
    except NbdError as e:
        return e.errno
    raise AssertionError('%s%r succeeded' % (fn.__name__, args))


def now_events(conn):
    """Events already sent: those queued during replies and whatever is
    readable at once."""
    ev, conn.events = conn.events, []
    return ev + [json.loads(line) for line in conn.quiet(0.05)]


def wait_events(conn, n, deadline):
    """The next @n events as (event, arrival time); fails at @deadline."""
    out = []
    while len(out) < n:
        line = conn.recv_line(max(deadline - time.time(), 0.001))
        assert line is not None, 'only %d of %d events by the deadline: %r' \
            % (len(out), n, out)
        out.append((json.loads(line), time.time()))
    return out


def stamp(ev):
    ts = ev['timestamp']
    assert 0 <= ts['microseconds'] < 1000000, ts
    return ts['seconds'] + ts['microseconds'] / 1e6


def test_envelope_and_member_order():
    with Daemon(OURS) as d:
        quorum(d, 'q', [bad_child('b0'), good_child('g1'), good_child('g2')], 2)
        n = export(d, 'q')
        before = time.time()
        assert n.read(4096, 1024) == bytes(1024)
        after = time.time()
        line = d.c.recv_line(0.5)
        m = re.fullmatch(rb'\{"timestamp": \{"seconds": (\d+), '
                         rb'"microseconds": (\d+)\}, (.*)\r\n', line or b'')
        assert m, line
        assert m.group(3) == (b'"event": "QUORUM_REPORT_BAD", "data": '
                              b'{"node-name": "b0", "sectors-count": 2, '
                              b'"sector-num": 8, "type": "read", "error": '
                              b'"Input/output error"}}'), line
        ts = int(m.group(1)) + int(m.group(2)) / 1e6
        assert before - TOL <= ts <= after + TOL, (before, ts, after)


def test_no_events_before_negotiation():
    with Daemon(OURS, monitors=2) as d:
        d.conns[1].close()
        d.conns[1] = d.connect(d.socks[1], negotiate=False)
        quorum(d, 'q', [bad_child('b0'), good_child('g1'), good_child('g2')], 2)
        quorum(d, 'r', [bad_child('b1'), good_child('g3'), good_child('g4')], 2)
        nq, nr = export(d, 'q'), export(d, 'r')
        nq.read(0, 512)
        assert [e['event'] for e in now_events(d.c)] == ['QUORUM_REPORT_BAD']
        assert d.conns[1].quiet(0.2) == []
        assert d.conns[1].cmd('qmp_capabilities') == {'return': {}}
        # b1 has no open window: its event goes out at once, to both.
        nr.read(0, 512)
        for conn in d.conns:
            ev = now_events(conn)
            assert [e['data']['node-name'] for e in ev] == ['b1'], ev


def test_rate_limit_delayed_last_event():
    def scenario():
        with Daemon(OURS) as d:
            quorum(d, 'q', [bad_child('b0'), good_child('g1'),
                            good_child('g2')], 2)
            n = export(d, 'q')
            n.read(0, 512)
            ev = now_events(d.c)
            assert len(ev) == 1 and ev[0]['data']['sector-num'] == 0, ev
            t0 = stamp(ev[0])
            n.read(512, 512)
            n.read(1024, 512)
            before = time.time()
            n.read(1536, 512)
            after = time.time()
            if after > t0 + BURST:
                raise Late('burst took %.3f s' % (after - t0))
            assert now_events(d.c) == []        # merged inside the window
            # The window ends: the newest goes out, raised at `before`.
            [(ev, at)] = wait_events(d.c, 1, t0 + WINDOW + SLACK)
            assert ev['data']['sector-num'] == 3, ev
            assert at >= t0 + WINDOW - TOL, (t0, at)
            assert before - TOL <= stamp(ev) <= after + TOL, ev
            assert now_events(d.c) == []        # 1 and 2 were replaced
            # Sending it opened a new window (at t0 + 1 s or later).
            before = time.time()
            n.read(4096, 512)
            after = time.time()
            if after > t0 + 2 * WINDOW - (1 - BURST):
                raise Late('second burst ended at +%.3f s' % (after - t0))
            assert now_events(d.c) == []
            [(ev, at2)] = wait_events(d.c, 1, at + WINDOW + SLACK)
            assert ev['data']['sector-num'] == 8, ev
            assert at2 >= t0 + 2 * WINDOW - TOL, (t0, at2)
            assert before - TOL <= stamp(ev) <= after + TOL, ev
            # Nothing pending when that window ends: it closes, and the
            # next event goes out at once again.
            time.sleep(max(at2 + WINDOW + 0.5 - time.time(), 0))
            n.read(0, 512)
            ev = now_events(d.c)
            assert [e['data']['sector-num'] for e in ev] == [0], ev
    retried(scenario)


def test_rate_limit_is_per_node():
    def scenario():
        with Daemon(OURS) as d:
            quorum(d, 'q', [bad_child('b0'), bad_child('b1'), good_child('g2'),
                            good_child('g3'), good_child('g4')], 3)
            n = export(d, 'q')
            n.read(0, 512)
            ev = now_events(d.c)
            assert sorted(e['data']['node-name'] for e in ev) == \
                ['b0', 'b1'], ev
            t0 = min(stamp(e) for e in ev)
            n.read(0, 512)
            if time.time() > t0 + BURST:
                raise Late('second read ended at +%.3f s' % (time.time() - t0))
            assert now_events(d.c) == []
            got = wait_events(d.c, 2, t0 + WINDOW + SLACK)
            assert sorted(e['data']['node-name'] for e, _ in got) == \
                ['b0', 'b1'], got
            assert min(at for _, at in got) >= t0 + WINDOW - TOL
    retried(scenario)


def test_failure_is_global_and_ordered():
    def scenario():
        with Daemon(OURS) as d:
            quorum(d, 'qa', [bad_child('a0'), bad_child('a1'),
                             good_child('a2')], 2)
            quorum(d, 'qb', [bad_child('b0'), bad_child('b1'),
                             good_child('b2')], 2)
            na, nb = export(d, 'qa'), export(d, 'qb')
            assert failing(na.read, 0, 512) == 5
            ev = now_events(d.c)
            # the children's reports come before the failure of the request
            assert [e['event'] for e in ev] == \
                ['QUORUM_REPORT_BAD', 'QUORUM_REPORT_BAD',
                 'QUORUM_FAILURE'], ev
            assert ev[2]['data'] == {'reference': 'qa', 'sector-num': 0,
                                     'sectors-count': 1}, ev[2]
            t0 = stamp(ev[2])
            assert failing(nb.read, 0, 512) == 5
            if time.time() > t0 + BURST:
                raise Late('second read ended at +%.3f s' % (time.time() - t0))
            # other nodes' reports pass, the second failure waits (global)
            ev = now_events(d.c)
            assert [(e['event'], e['data']['node-name']) for e in ev] == \
                [('QUORUM_REPORT_BAD', 'b0'), ('QUORUM_REPORT_BAD', 'b1')], ev
            [(ev, at)] = wait_events(d.c, 1, t0 + WINDOW + SLACK)
            assert (ev['event'], ev['data']['reference']) == \
                ('QUORUM_FAILURE', 'qb'), ev
            assert at >= t0 + WINDOW - TOL, (t0, at)
    retried(scenario)


def test_x_query_quorum_counts_merged_events():
    def scenario():
        with Daemon(OURS) as d:
            quorum(d, 'q', [bad_child('b0'), good_child('g1'),
                            good_child('g2')], 2)
            n = export(d, 'q')
            start = time.time()
            for i in range(5):
                n.read(i * 1024, 1024)
            if time.time() > start + BURST:
                raise Late('5 reads took %.3f s' % (time.time() - start))
            assert len(now_events(d.c)) == 1    # four were merged
            r = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
            assert r['node-name'] == 'q' and r['vote-threshold'] == 2
            assert r['failures'] == 0
            b0 = r['children'][0]
            assert b0['child'] == 'children.0' and b0['node-name'] == 'b0', b0
            assert b0['read-errors'] == 5 and b0['mismatches'] == 0, b0
            assert [x['sector-num'] for x in b0['bad-ranges']] == \
                [0, 2, 4, 6, 8], b0
            assert b0['bad-ranges'][0] == {'type': 'read', 'error':
                                           'Input/output error',
                                           'sector-num': 0,
                                           'sectors-count': 2}
            assert b0['bad-ranges-dropped'] == 0
            assert r['children'][1]['read-errors'] == 0
            for i in range(70):
                n.read(i * 512, 512)
            b0 = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return'][
                'children'][0]
            assert b0['read-errors'] == 75 and len(b0['bad-ranges']) == 64
            assert b0['bad-ranges-dropped'] == 11
    retried(scenario)


def test_x_query_quorum_errors():
    with Daemon(OURS) as d:
        ok(d.c.cmd('blockdev-add', good_child('n')))
        ok(d.c.cmd('blockdev-add', bad_child('r')))
        # The monitor asks the node's driver; these keep no statistics.
        for node, drv in (('n', 'null-co'), ('r', 'raw')):
            assert d.c.cmd('x-query-quorum', {'node-name': node}) == {
                'error': {'class': 'GenericError', 'desc':
                          "Node '%s' (driver '%s') keeps no driver "
                          "statistics" % (node, drv)}}
        r = d.c.cmd('x-query-quorum', {'node-name': 'zz'})
        assert r['error']['desc'] == \
            "Cannot find device='zz' nor node-name='zz'", r


def test_write_errors_and_added_child():
    with Daemon(OURS) as d:
        quorum(d, 'q', [bad_child('w0', iotype='write'), good_child('g1'),
                        good_child('g2')], 2)
        n = export(d, 'q', writable=True)
        n.write(512, b'\xab' * 512)
        n.flush()
        ev = now_events(d.c)
        assert [(e['data']['node-name'], e['data']['type']) for e in ev] == \
            [('w0', 'write')], ev
        ok(d.c.cmd('blockdev-add', bad_child('n3')))
        ok(d.c.cmd('x-blockdev-change', {'parent': 'q', 'node': 'n3'}))
        n.read(0, 512)
        st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
        assert [c['node-name'] for c in st['children']] == \
            ['w0', 'g1', 'g2', 'n3']
        assert st['children'][0]['write-errors'] == 1
        assert st['children'][3]['read-errors'] == 1


def test_no_test_commands():
    """The test-only commands are gone, whatever the environment says."""
    with Daemon(OURS, env={'QSD_TEST_MODE': '1'}) as d:
        for name, args in (('x-test-clock-step', {'ns': 1}),
                           ('x-test-io', {'node-name': 'n', 'op': 'read'})):
            r = d.c.cmd(name, args)
            assert r['error'] == {'class': 'CommandNotFound', 'desc':
                                  "The command %s has not been found" % name}, r
        names = [c['name'] for c in d.c.cmd('query-commands')['return']]
        assert 'x-query-quorum' in names
        assert not [x for x in names if x.startswith('x-test')], names
