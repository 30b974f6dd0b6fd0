"""Events on the wire with the virtual clock (QSD_TEST_MODE=1): rate
limiting per node and global, the delayed last event, ordering, and
x-query-quorum counting what rate limiting merged."""
import json
from qmplib import Daemon, OURS

S = 1000 * 1000 * 1000
T0 = 1000 * S     # the virtual clock's start


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


def daemon():
    return Daemon(OURS, test_mode=True)


def ok(r):
    assert r == {'return': {}}, r
    return r


def quorum(d, name, children, threshold):
    ok(d.c.cmd('blockdev-add', {'driver': 'quorum', 'node-name': name,
                                'vote-threshold': threshold,
                                'children': children}))


def io(d, node, op='read', offset=0, length=512):
    return d.c.cmd('x-test-io', {'node-name': node, 'op': op,
                                 'offset': offset, 'length': length})


def step(d, ns):
    ok(d.c.cmd('x-test-clock-step', {'ns': ns}))


def events(d):
    ev, d.c.events = d.c.events, []
    for line in d.c.quiet(0.05):
        ev.append(json.loads(line))
    return ev


def test_envelope_and_member_order():
    with daemon() as d:
        quorum(d, 'q', [bad_child('b0'), good_child('g1'), good_child('g2')], 2)
        d.c.send('{"execute": "x-test-io", "arguments": {"node-name": "q",'
                 ' "op": "read", "offset": 4096, "length": 1024}}\n')
        line = d.c.recv_line()
        assert line == (b'{"timestamp": {"seconds": 1000, "microseconds": 0}, '
                        b'"event": "QUORUM_REPORT_BAD", "data": {"node-name": '
                        b'"b0", "sectors-count": 2, "sector-num": 8, "type": '
                        b'"read", "error": "Input/output error"}}\r\n'), line
        assert d.c.recv_line() == b'{"return": {}}\r\n'


def test_no_events_before_negotiation():
    with Daemon(OURS, monitors=2, test_mode=True) as d:
        d.conns[1].close()
        d.conns[1] = d.connect(d.socks[1], negotiate=False)
        quorum(d, 'q', [bad_child('b0'), good_child('g1'), good_child('g2')], 2)
        ok(io(d, 'q'))
        assert [e['event'] for e in events(d)] == ['QUORUM_REPORT_BAD']
        assert d.conns[1].quiet(0.2) == []
        assert d.conns[1].cmd('qmp_capabilities') == {'return': {}}
        ok(io(d, 'q'))
        step(d, 2 * S)
        assert d.conns[1].quiet(0.2) != []


def test_rate_limit_delayed_last_event():
    with daemon() as d:
        quorum(d, 'q', [bad_child('b0'), good_child('g1'), good_child('g2')], 2)
        ok(io(d, 'q', offset=0))
        ev = events(d)
        assert len(ev) == 1 and ev[0]['data']['sector-num'] == 0, ev
        for i in range(1, 4):
            step(d, 100 * 1000 * 1000)
            ok(io(d, 'q', offset=i * 512))
        assert events(d) == []          # merged inside the window
        step(d, 699 * 1000 * 1000)       # 999 ms after the first
        assert events(d) == []
        step(d, 1000 * 1000)             # the window ends: last one goes out
        ev = events(d)
        assert len(ev) == 1, ev
        assert ev[0]['data']['sector-num'] == 3, ev
        # ...with its own timestamp (raised at T0 + 300 ms)
        assert ev[0]['timestamp'] == {'seconds': 1000,
                                      'microseconds': 300000}, ev
        step(d, S // 2)                  # the new window is still open
        ok(io(d, 'q', offset=4096))
        assert events(d) == []
        step(d, S // 2)
        assert events(d)[0]['data']['sector-num'] == 8
        step(d, S)                      # nothing pending: window closes
        assert events(d) == []
        ok(io(d, 'q', offset=0))        # sent at once again
        assert len(events(d)) == 1


def test_rate_limit_is_per_node():
    with daemon() as d:
        quorum(d, 'q', [bad_child('b0'), bad_child('b1'), good_child('g2'),
                        good_child('g3'), good_child('g4')], 3)
        ok(io(d, 'q'))
        ev = events(d)
        assert sorted(e['data']['node-name'] for e in ev) == ['b0', 'b1'], ev
        ok(io(d, 'q'))
        assert events(d) == []
        step(d, S)
        assert sorted(e['data']['node-name'] for e in events(d)) == \
            ['b0', 'b1']


def test_failure_is_global_and_ordered():
    with daemon() as d:
        quorum(d, 'qa', [bad_child('a0'), bad_child('a1'), good_child('a2')], 2)
        quorum(d, 'qb', [bad_child('b0'), bad_child('b1'), good_child('b2')], 2)
        r = io(d, 'qa')
        assert 'error' in r, r
        ev = events(d)
        names = [e['event'] for e in ev]
        # the children's reports come before the failure of the request
        assert names == ['QUORUM_REPORT_BAD', 'QUORUM_REPORT_BAD',
                         'QUORUM_FAILURE'], names
        assert ev[2]['data'] == {'reference': 'qa', 'sector-num': 0,
                                 'sectors-count': 1}, ev[2]
        assert 'error' in io(d, 'qb')
        ev = events(d)
        # other nodes' reports pass, the second failure waits (global)
        assert [e['event'] for e in ev] == ['QUORUM_REPORT_BAD'] * 2, ev
        step(d, S)
        ev = events(d)
        assert [(e['event'], e['data'].get('reference')) for e in ev] == \
            [('QUORUM_FAILURE', 'qb')], ev


def test_x_query_quorum_counts_merged_events():
    with daemon() as d:
        quorum(d, 'q', [bad_child('b0'), good_child('g1'), good_child('g2')], 2)
        for i in range(5):
            ok(io(d, 'q', offset=i * 1024, length=1024))
        assert len(events(d)) == 1
        r = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
        assert r['node-name'] == 'q' and r['vote-threshold'] == 2
        assert r['failures'] == 0
        b0 = r['children'][0]
        assert b0['child'] == 'children.0' and b0['node-name'] == 'b0', b0
        assert b0['read-errors'] == 5 and b0['mismatches'] == 0, b0
        assert [x['sector-num'] for x in b0['bad-ranges']] == [0, 2, 4, 6, 8]
        assert b0['bad-ranges'][0] == {'type': 'read', 'error':
                                       'Input/output error', 'sector-num': 0,
                                       'sectors-count': 2}
        assert b0['bad-ranges-dropped'] == 0
        assert r['children'][1]['read-errors'] == 0
        for i in range(70):
            io(d, 'q', offset=i * 512)
        b0 = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return'][
            'children'][0]
        assert b0['read-errors'] == 75 and len(b0['bad-ranges']) == 64
        assert b0['bad-ranges-dropped'] == 11


def test_x_query_quorum_errors():
    with daemon() as d:
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
    with daemon() as d:
        quorum(d, 'q', [bad_child('w0', iotype='write'), good_child('g1'),
                        good_child('g2')], 2)
        ok(io(d, 'q', op='write', offset=512))
        ev = events(d)
        assert ev[0]['data']['type'] == 'write', ev
        ok(d.c.cmd('blockdev-add', bad_child('n3')))
        ok(d.c.cmd('x-blockdev-change', {'parent': 'q', 'node': 'n3'}))
        ok(io(d, 'q'))
        st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
        assert [c['node-name'] for c in st['children']] == \
            ['w0', 'g1', 'g2', 'n3']
        assert st['children'][0]['write-errors'] == 1
        assert st['children'][3]['read-errors'] == 1


def test_test_commands_hidden_without_test_mode():
    with Daemon(OURS) as d:
        r = d.c.cmd('x-test-clock-step', {'ns': 1})
        assert r['error']['class'] == 'CommandNotFound', r
        names = [c['name'] for c in d.c.cmd('query-commands')['return']]
        assert 'x-test-io' not in names and 'x-query-quorum' in names
