"""Reads that heal without voting (ours): fifo rewrites the children that
failed before the one that answered, round-robin spreads reads and falls
back on errors.  Faults come from blkdebug; data from real files."""
import json
import os
from qmplib import compare, Daemon, Nbd, OURS, QEMU

KiB = 1 << 10
MiB = 1 << 20


def ok(r):
    assert r == {'return': {}}, r
    return r


def prepare(d):
    for i in range(3):
        with open(os.path.join(d, 'img%d.raw' % i), 'wb') as f:
            f.write(b'\x5a' * MiB)


def child(d, i, read_error=None):
    f = {'driver': 'file', 'filename': os.path.join(d.dir, 'img%d.raw' % i)}
    if read_error is not None:
        rule = {'event': 'read_aio', 'errno': 5}
        if read_error == 'once':
            rule['once'] = True
        else:
            rule['iotype'] = 'read'     # the repairs are written
        f = {'driver': 'blkdebug', 'image': f, 'inject-error': [rule]}
    return {'driver': 'raw', 'node-name': 'c%d' % i, 'file': f}


def setup(d, pattern, errors, rewrite=True):
    return add_and_export(d, {
        'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
        'read-pattern': pattern, 'rewrite-corrupted': rewrite,
        'children': [child(d, i, errors.get(i)) for i in range(3)]})


def add_and_export(d, q):
    """blockdev-add @q and export it writable; a client of the export."""
    ok(d.c.cmd('blockdev-add', q))
    sock = os.path.join(d.dir, 'nbd.sock')
    ok(d.c.cmd('nbd-server-start', {'addr': {'type': 'unix',
                                             'data': {'path': sock}}}))
    ok(d.c.cmd('block-export-add', {'type': 'nbd', 'id': 'e',
                                    'node-name': 'q', 'writable': True}))
    return Nbd(sock, 'q')


def children(d):
    return d.c.cmd('x-query-quorum', {'node-name': 'q'})['return'][
        'children']


def file_bytes(d, i, off, n):
    with open(os.path.join(d.dir, 'img%d.raw' % i), 'rb') as f:
        f.seek(off)
        return f.read(n)


def bad_events(d):
    evs = d.c.events + [m for m in iter(lambda: d.c.recv(0.3), None)]
    d.c.events = []
    return [(e['data']['node-name'], e['data']['type'])
            for e in evs if e.get('event') == 'QUORUM_REPORT_BAD']


def test_fifo_repairs_the_children_that_failed_first():
    with Daemon(OURS, prepare=prepare) as d:
        n = setup(d, 'fifo', {0: 'once'})
        # Child 0 holds different data there: a read error on it must not
        # be answered from it, and the repair copies child 1's data.
        with open(os.path.join(d.dir, 'img0.raw'), 'r+b') as f:
            f.seek(64 * KiB)
            f.write(b'\x00' * 4096)
        assert n.read(64 * KiB, 4096) == b'\x5a' * 4096
        assert bad_events(d) == [('c0', 'read')]
        c = children(d)
        assert c[0]['read-errors'] == 1 and c[0]['repaired-bytes'] == 4096, c
        assert file_bytes(d, 0, 64 * KiB, 4096) == b'\x5a' * 4096
        # Healed: the next read is answered by child 0, no event.
        assert n.read(64 * KiB, 4096) == b'\x5a' * 4096
        assert bad_events(d) == []


def test_fifo_without_rewrite_corrupted_repairs_nothing():
    """QEMU's fifo ignores rewrite-corrupted; so does ours when it is off."""
    with Daemon(OURS, prepare=prepare) as d:
        n = setup(d, 'fifo', {0: 'once'}, rewrite=False)
        with open(os.path.join(d.dir, 'img0.raw'), 'r+b') as f:
            f.write(b'\x00' * 4096)
        assert n.read(0, 4096) == b'\x5a' * 4096
        assert children(d)[0]['repaired-bytes'] == 0
        assert file_bytes(d, 0, 0, 4096) == b'\x00' * 4096


def test_fifo_read_only_quorum_does_not_write():
    with Daemon(OURS, prepare=prepare) as d:
        ok(d.c.cmd('blockdev-add', {
            'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
            'read-pattern': 'fifo', 'read-only': True,
            'rewrite-corrupted': True,
            'children': [dict(child(d, i, 'once' if i == 0 else None),
                              **{'read-only': True}) for i in range(3)]}))
        sock = os.path.join(d.dir, 'nbd.sock')
        ok(d.c.cmd('nbd-server-start', {'addr': {'type': 'unix',
                                                 'data': {'path': sock}}}))
        ok(d.c.cmd('block-export-add', {'type': 'nbd', 'id': 'e',
                                        'node-name': 'q'}))
        n = Nbd(sock, 'q')
        assert n.read(0, 4096) == b'\x5a' * 4096
        assert children(d)[0]['repaired-bytes'] == 0


def test_round_robin_spreads_reads_and_falls_back():
    with Daemon(OURS, prepare=prepare) as d:
        # Child 1 fails every read: the reads that start there (one in
        # three) fall back to child 2; none fails.
        n = setup(d, 'round-robin', {1: 'always'})
        for i in range(9):
            assert n.read(i * 4096, 4096) == b'\x5a' * 4096
        c = children(d)
        assert [x['read-errors'] for x in c] == [0, 3, 0], c
        assert c[1]['repaired-bytes'] == 3 * 4096, c


def test_read_pattern_bad_value_message_is_qemus():
    """A read-pattern neither knows: the same answer as Debian's daemon."""
    cmds = []
    for pattern in ('random', 'Fifo', ''):
        cmds.append(json.dumps({'execute': 'blockdev-add', 'arguments': {
            'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
            'read-pattern': pattern,
            'children': [{'driver': 'null-co', 'size': 1048576}]}}))
    compare('{"execute": "qmp_capabilities"}\n' + '\n'.join(cmds) + '\n',
            negotiate=False)


def test_round_robin_is_ours():
    """QEMU 7.2 refuses read-pattern=round-robin (the schema's enum); ours
    takes it."""
    with Daemon(OURS, prepare=prepare) as d:
        ok(d.c.cmd('blockdev-add', {
            'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
            'read-pattern': 'round-robin', 'children': [child(d, 0)]}))
    if os.path.exists(QEMU):
        with Daemon(QEMU) as d:
            r = d.c.cmd('blockdev-add', {
                'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
                'read-pattern': 'round-robin',
                'children': [{'driver': 'null-co'}]})
            assert r['error']['desc'] == ("Parameter 'read-pattern' does "
                                          "not accept value 'round-robin'"), r


def vote_setup(d, granularity, rewrite=False):
    # Child 1 bad at 4k, child 2 at 8k: every 4k block has a majority.
    with open(os.path.join(d.dir, 'img1.raw'), 'r+b') as f:
        f.seek(4 * KiB)
        f.write(b'\x11' * 4096)
    with open(os.path.join(d.dir, 'img2.raw'), 'r+b') as f:
        f.seek(8 * KiB)
        f.write(b'\x22' * 4096)
    q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
         'rewrite-corrupted': rewrite,
         'children': [child(d, i) for i in range(3)]}
    if granularity:
        q['vote-granularity'] = granularity
    return add_and_export(d, q)


def events(d):
    evs = d.c.events + [m for m in iter(lambda: d.c.recv(0.3), None)]
    d.c.events = []
    return [(e['event'], e['data']) for e in evs if 'event' in e]


def test_per_block_votes_over_nbd():
    with Daemon(OURS, prepare=prepare) as d:
        n = vote_setup(d, 4096)
        assert n.read(0, MiB) == b'\x5a' * MiB
        assert events(d) == [
            ('QUORUM_REPORT_BAD', {'node-name': 'c2', 'sector-num': 16,
                                   'sectors-count': 8, 'type': 'read'}),
            ('QUORUM_REPORT_BAD', {'node-name': 'c1', 'sector-num': 8,
                                   'sectors-count': 8, 'type': 'read'})]
        c = children(d)
        assert [x['mismatches'] for x in c] == [0, 1, 1], c
        # Blocks are aligned to the volume: a read across 2 blocks.  The
        # events are rate limited now; x-query-quorum has them all.
        assert n.read(6 * KiB, 4 * KiB) == b'\x5a' * 4096
        c = children(d)
        assert c[1]['bad-ranges'][-1] == {'type': 'read', 'sector-num': 12,
                                          'sectors-count': 4}, c[1]
        assert c[2]['bad-ranges'][-1] == {'type': 'read', 'sector-num': 16,
                                          'sectors-count': 4}, c[2]


def test_whole_request_vote_fails_where_blocks_succeed():
    with Daemon(OURS, prepare=prepare) as d:
        n = vote_setup(d, 0)
        try:
            n.read(0, MiB)
        except Exception as e:
            assert 'errno 5' in str(e), e
        else:
            raise AssertionError('three versions, yet the read worked')
        assert [e[0] for e in events(d)] == ['QUORUM_FAILURE']


def test_per_block_votes_repair_each_bad_range():
    with Daemon(OURS, prepare=prepare) as d:
        n = vote_setup(d, 4096, rewrite=True)
        assert n.read(0, MiB) == b'\x5a' * MiB
        c = children(d)
        assert [x['repaired-bytes'] for x in c] == [0, 4096, 4096], c
        for i in range(3):
            assert file_bytes(d, i, 0, 16 * KiB) == b'\x5a' * 16 * KiB, i
        events(d)
        assert n.read(0, MiB) == b'\x5a' * MiB
        assert events(d) == []


def test_vote_granularity_refused_values():
    with Daemon(OURS, prepare=prepare) as d:
        for v in (100, 3000, 2 << 30):
            r = d.c.cmd('blockdev-add', {
                'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
                'vote-granularity': v, 'children': [child(d, 0)]})
            assert r['error']['desc'] == (
                "Parameter 'vote-granularity' expects 0 or a power of 2 "
                "between 512 and 1G"), r
