"""Permissions as QEMU enforces them: a node nothing uses holds none;
parents (exports, other nodes) take them; quorum unshares WRITE on its
children; image locks follow.  Every scenario runs against Debian's
daemon and ours with fresh image files at the same path, and the QMP
transcripts must be identical."""
import json
import os
import shutil
import tempfile

import qmplib
from qmplib import OURS, QEMU, Skip, mask, transcript

MiB = 1 << 20


def cmds(*reqs):
    return ''.join(json.dumps({'execute': r[0], 'arguments': r[1]}) + '\n'
                   if len(r) > 1 else json.dumps({'execute': r[0]}) + '\n'
                   for r in reqs)


def compare_files(steps, args=(), sizes=(MiB, MiB, MiB)):
    """Run @steps (a function of the image directory) on both daemons,
    each with fresh images img0.raw.. of @sizes in the same directory."""
    theirs, ours = qmplib.on_both_with_images(
        lambda binary, d: transcript(binary, steps(d),
                                     [a.replace('@IMG@', d) for a in args]),
        sizes, 'qmp-perms-')
    qmplib.assert_same(theirs, ours)
    return ours


def file_node(d, i, name=None):
    f = {'driver': 'file', 'filename': '%s/img%d.raw' % (d, i)}
    if name:
        f['node-name'] = name
    return f


def raw(d, i, name=None):
    r = {'driver': 'raw', 'file': file_node(d, i)}
    if name:
        r['node-name'] = name
    return r


def unix(d):
    return {'type': 'unix', 'data': {'path': d + '/nbd.sock'}}


def export(node, eid, writable=True):
    return ('block-export-add', {'type': 'nbd', 'id': eid,
                                 'node-name': node, 'writable': writable})


CMDLINE = ['--blockdev', 'driver=file,node-name=f0,filename=@IMG@/img0.raw',
           '--blockdev', 'driver=raw,node-name=c0,file=f0']


def test_parentless_nodes_hold_nothing():
    # The three steps: a second opener of img0.raw, then a quorum
    # that unshares WRITE on c0 (over img0.raw) must still come up.
    lines = compare_files(lambda d: cmds(
        ('blockdev-add', raw(d, 0, 'x')),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'vote-threshold': 1,
                          'children': [raw(d, 1), 'c0']}),
        ('query-named-block-nodes', {'flat': True}),
    ), CMDLINE)
    assert [l.strip() for l in lines[1:3]] == ['{"return": {}}'] * 2, \
        lines[:3]


def test_exports_take_permissions():
    # Two writable exports of one file through two graphs share it (QEMU
    # exports share everything); a quorum exported writably unshares
    # WRITE on its children, so a writable export of a child's file by
    # another graph fails, a read-only one does not.
    compare_files(lambda d: cmds(
        ('nbd-server-start', {'addr': unix(d)}),
        ('blockdev-add', raw(d, 0, 'a')),
        ('blockdev-add', raw(d, 0, 'b')),
        export('a', 'ea'), export('b', 'eb'),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'vote-threshold': 2,
                          'children': [raw(d, 1, 'q1'), raw(d, 2, 'q2')]}),
        ('blockdev-add', raw(d, 1, 'other')),
        export('other', 'e-other'),
        export('q', 'eq'),
        ('block-export-del', {'id': 'e-other'}),
        export('q', 'eq'),
        export('other', 'e-other2'),
        export('other', 'e-other-ro', False),
        ('query-block-exports',),
    ))


def test_quorum_child_added_over_used_file():
    # Upstream iotest 081, "dynamically adding a child": the new node opens
    # a file a quorum child already uses.  Nothing holds permissions until
    # the quorum has a user; then adding it must fail on the image lock.
    compare_files(lambda d: cmds(
        ('nbd-server-start', {'addr': unix(d)}),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'vote-threshold': 1,
                          'children': [raw(d, 0, 'q0'), raw(d, 1, 'q1')]}),
        ('blockdev-add', raw(d, 0, 'dup')),
        ('x-blockdev-change', {'parent': 'q', 'node': 'dup'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.2'}),
        export('q', 'eq'),
        ('blockdev-add', raw(d, 0, 'dup2')),
        ('x-blockdev-change', {'parent': 'q', 'node': 'dup2'}),
        ('blockdev-add', raw(d, 2, 'fresh')),
        ('x-blockdev-change', {'parent': 'q', 'node': 'fresh'}),
        ('query-named-block-nodes', {'flat': True}),
    ))


def test_parents_of_one_node_conflict():
    # Two parents in one process: a writable export takes WRITE on c0, a
    # quorum does not share WRITE on its children.  QEMU refuses the
    # second parent with "Permission conflict on node ...", whichever
    # comes first; a read-only export and a raw node that shares all
    # live beside either.
    compare_files(lambda d: cmds(
        ('nbd-server-start', {'addr': unix(d)}),
        export('c0', 'e0'),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'vote-threshold': 1,
                          'children': ['c0', raw(d, 1)]}),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q2',
                          'vote-threshold': 1,
                          'children': [raw(d, 2, 'r2')]}),
        export('r2', 'e2'),
        export('r2', 'e2-ro', False),
        ('blockdev-add', {'driver': 'raw', 'node-name': 'y', 'file': 'f0'}),
        export('y', 'ey'),
        ('query-block-exports',),
        ('query-named-block-nodes', {'flat': True}),
    ), CMDLINE)


def test_read_only_export_and_writer():
    # A read-only export takes no WRITE: a writable one beside it works.
    compare_files(lambda d: cmds(
        ('nbd-server-start', {'addr': unix(d)}),
        ('blockdev-add', dict(raw(d, 0, 'r'), **{'read-only': True})),
        export('r', 'er', False),
        export('r', 'er2', True),
        ('blockdev-add', raw(d, 0, 'w')),
        export('w', 'ew'),
        ('query-block-exports',),
    ))


def test_smaller_child_refused():
    # Ours only: QEMU 7.2 accepts a shorter child and aborts on the first
    # write past its end; we refuse it, and a longer one too, as at open.
    # Nothing is grown: the replica keeps its size.
    d = tempfile.mkdtemp(prefix='qmp-perms-')
    try:
        for i, size in enumerate((MiB, MiB, MiB // 2, 2 * MiB)):
            with open(os.path.join(d, 'img%d.raw' % i), 'wb') as f:
                f.truncate(size)
        with qmplib.Daemon(qmplib.OURS) as dm:
            c = dm.c
            assert c.cmd('nbd-server-start', {'addr': unix(d)}) == \
                {'return': {}}
            assert c.cmd('blockdev-add', {
                'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
                'children': [raw(d, 0, 'q0'), raw(d, 1, 'q1')]}) == \
                {'return': {}}
            assert c.cmd('block-export-add', {
                'type': 'nbd', 'id': 'e', 'node-name': 'q',
                'writable': True}) == {'return': {}}
            for i, name, size in ((2, 'small', MiB // 2), (3, 'big', 2 * MiB)):
                assert c.cmd('blockdev-add', raw(d, i, name)) == \
                    {'return': {}}
                r = c.cmd('x-blockdev-change', {'parent': 'q', 'node': name})
                want = ("Node '%s' is %d bytes long, but the children of "
                        "quorum 'q' are %d bytes long" % (name, size, MiB))
                assert r == {'error': {'class': 'GenericError',
                                       'desc': want}}, r
            nodes = c.cmd('query-named-block-nodes', {'flat': True})
            names = [n['node-name'] for n in nodes['return']]
            assert 'small' in names and 'big' in names, names
        assert os.path.getsize(os.path.join(d, 'img2.raw')) == MiB // 2
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_read_only_replica_refused_when_writer_attaches():
    # Not at open: only a writable export makes the quorum ask for WRITE.
    compare_files(lambda d: cmds(
        ('nbd-server-start', {'addr': unix(d)}),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'vote-threshold': 1,
                          'children': [dict(raw(d, 1), **{'read-only': True}),
                                       raw(d, 0)]}),
        export('q', 'e'),
        export('q', 'e2', False),
        ('query-block-exports',),
    ))
