"""blockdev-add/-del, x-blockdev-change, query-named-block-nodes: as QEMU."""
import json
import os
from qmplib import compare, Daemon, OURS


def cmds(*reqs):
    return ''.join(json.dumps({'execute': r[0], 'arguments': r[1]}) + '\n'
                   if len(r) > 1 else json.dumps({'execute': r[0]}) + '\n'
                   for r in reqs)


def add(**kw):
    return ('blockdev-add', kw)


NULL1M = {'driver': 'null-co', 'size': 1048576}


def q(**kw):
    base = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
            'children': [NULL1M]}
    base.update(kw)
    return ('blockdev-add', base)


def test_quorum_add_errors():
    compare(cmds(
        q(**{'vote-threshold': '2'}),
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'children': []}),
        q(children={}), q(children=[1]), q(children=[None]),
        q(children=[{'driver': 'null-co', 'foo': 1}]),
        q(children=[{'node-name': 'x'}]), q(children=[{'driver': 'nope'}]),
        q(children=[{'driver': 'null-co', 'size': '1'}]),
        q(**{'read-pattern': 'x'}), q(cache={'direct': 1}),
        q(cache={'x': 1}), q(zzz=1, aaa=2), q(zzz=1, aaa=2, mmm=3),
        q(**{'vote-threshold': 3}), q(**{'vote-threshold': 0}),
        q(**{'vote-threshold': -1}), q(children=[]), q(children=['nothere']),
        q(blkverify=True), q(blkverify=True, **{'vote-threshold': 2},
                             children=[NULL1M, NULL1M]),
        q(**{'rewrite-corrupted': 1}), q(**{'read-only': 'on'}),
        q(discard='x'), q(**{'detect-zeroes': 'maybe'}),
        q(children=[{'driver': 'raw'}]),
        q(children=[{'driver': 'raw', 'file': 1}]),
        q(children=[{'driver': 'raw', 'file': {'driver': 'file'}}]),
        q(children=[{'driver': 'file', 'filename': '/nonexistent/x'}]),
        q(children=[{'driver': 'blkdebug', 'image': NULL1M,
                     'inject-error': [{'event': 'nope'}]}]),
        q(children=[{'driver': 'blkdebug', 'image': NULL1M,
                     'inject-error': [{'event': 'read_aio', 'x': 1}]}]),
        q(children=[{'driver': 'blkdebug', 'image': NULL1M,
                     'max-transfer': 1 << 40}]),
        q(children=[{'driver': 'null-co', 'latency-ns': -1}, NULL1M]),
        ('blockdev-add', {'node-name': 'q'}), ('blockdev-add', {'driver': 1}),
        ('blockdev-add', {'driver': 'null-co'}),
        ('blockdev-add', {'driver': 'null-co', 'node-name': '1bad'}),
        ('blockdev-add', {'driver': 'null-co', 'node-name': 'x' * 40}),
    ))


def test_quorum_inline_and_references():
    compare(cmds(
        add(driver='null-co', **{'node-name': 'c1', 'size': 1048576}),
        add(driver='null-co', **{'node-name': 'c1'}),
        add(driver='file', filename='@DIR@/a.img', **{'node-name': 'fa'}),
        add(driver='quorum', children=['c1', 'fa', {
            'driver': 'raw', 'file': {'driver': 'file',
                                      'filename': '@DIR@/b.img'}}],
            **{'node-name': 'q', 'vote-threshold': 2}),
        ('query-named-block-nodes', {}),
        ('query-named-block-nodes', {'flat': True}),
        add(driver='quorum', children=['c1'],
            **{'node-name': 'q2', 'vote-threshold': 1}),
        add(driver='quorum', children=['q'],
            **{'node-name': 'q3', 'vote-threshold': 1}),
        ('blockdev-del', {'node-name': 'q3'}),
        ('blockdev-del', {'node-name': 'q'}),
        ('query-named-block-nodes', {}),
    ).replace('@DIR@', '/tmp'), args=[])


def setup_quorum():
    return cmds(
        add(driver='null-co', **{'node-name': 'c1', 'size': 1048576}),
        add(driver='null-co', **{'node-name': 'c2', 'size': 1048576}),
        add(driver='null-co', **{'node-name': 'c3', 'size': 1048576}),
        add(driver='quorum', children=['c1', NULL1M, 'c3'],
            **{'node-name': 'q', 'vote-threshold': 2}))


def test_x_blockdev_change():
    compare(setup_quorum() + cmds(
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.0',
                               'node': 'c2'}),
        ('x-blockdev-change', {'parent': 'q'}),
        ('x-blockdev-change', {'parent': 'q', 'node': 'c1'}),
        ('x-blockdev-change', {'parent': 'c1', 'node': 'c2'}),
        ('x-blockdev-change', {'parent': 'c1', 'child': 'c2'}),
        ('x-blockdev-change', {'parent': 'zz', 'child': 'c2'}),
        ('x-blockdev-change', {'parent': 'q', 'node': 'zz'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.3'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'zz'}),
        ('x-blockdev-change', {'parent': 'q', 'node': 'c2'}),
        ('query-named-block-nodes', {}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.3'}),
        ('x-blockdev-change', {'parent': 'q', 'node': 'c2'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.1'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.0'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.2'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.3'}),
        ('x-blockdev-change', {'parent': 'q', 'node': 'c1'}),
        ('x-blockdev-change', {'parent': 'q', 'child': 'children.0'}),
        ('query-named-block-nodes', {}),
        ('blockdev-del', {'node-name': 'c1'}),
        ('blockdev-del', {'node-name': 'c3'}),
    ))


def test_x_blockdev_change_refusals():
    compare(cmds(
        add(driver='null-co', **{'node-name': 'c1', 'size': 1048576}),
        add(driver='null-co', **{'node-name': 'c2', 'size': 1048576}),
        add(driver='quorum', children=[NULL1M, NULL1M], blkverify=True,
            **{'node-name': 'bv', 'vote-threshold': 2}),
        ('x-blockdev-change', {'parent': 'bv', 'node': 'c1'}),
        ('x-blockdev-change', {'parent': 'bv', 'child': 'children.0'}),
        add(driver='blkdebug', image='c2', **{'node-name': 'bd'}),
        ('x-blockdev-change', {'parent': 'bd', 'node': 'c1'}),
        ('x-blockdev-change', {'parent': 'bd', 'child': 'image'}),
        ('x-blockdev-change', {'parent': 'bv', 'node': 'c2'}),
        add(driver='quorum', children=[NULL1M],
            **{'node-name': 'q1', 'vote-threshold': 1}),
        ('x-blockdev-change', {'parent': 'q1', 'node': 'q1'}),
        ('x-blockdev-change', {'parent': 'q1', 'node': 'bd'}),
        ('x-blockdev-change', {'parent': 'q1', 'child': 'children.0'}),
    ))


def test_blockdev_del_rules():
    compare(setup_quorum() + cmds(
        ('blockdev-del', {'node-name': 'c1'}),
        ('blockdev-del', {'node-name': 'zz'}),
        ('blockdev-del', {'node-name': 'c2'}),
        ('blockdev-del', {'node-name': 'c2'}),
        add(driver='raw', file={'driver': 'null-co', 'node-name': 'inner'},
            **{'node-name': 'r'}),
        ('blockdev-del', {'node-name': 'inner'}),
        ('blockdev-del', {'node-name': 'r'}),
        ('blockdev-del', {'node-name': 'inner'}),
        ('blockdev-del', {'node-name': 'q'}),
        ('blockdev-del', {'node-name': 'c1'}),
        ('query-named-block-nodes', {}),
    ))


def test_query_named_block_nodes_drivers():
    compare(cmds(
        add(driver='null-aio', **{'node-name': 'na', 'read-zeroes': True}),
        add(driver='null-co', **{'node-name': 'nc', 'read-only': True,
                                 'detect-zeroes': 'on',
                                 'cache': {'no-flush': True}}),
        add(driver='raw', file='nc', **{'node-name': 'rw', 'read-only': True,
                                        'offset': 512, 'size': 1024}),
        add(driver='blkdebug', image='na', **{'node-name': 'bd'}),
        ('query-named-block-nodes', {}),
    ))


def test_cmdline_blockdev_references():
    """--blockdev dotted keys: a child given as a node name (keyval
    alternates pick the string branch), and nested children."""
    compare(cmds(('query-named-block-nodes', {'flat': True})),
            args=['--blockdev', 'driver=null-co,node-name=n0,size=1048576',
                  '--blockdev', 'driver=raw,node-name=r0,file=n0',
                  '--blockdev', 'driver=null-co,node-name=n1,size=1048576',
                  '--blockdev', 'driver=null-co,node-name=n2,size=1048576',
                  '--blockdev', 'driver=quorum,node-name=q,vote-threshold=1,'
                                'children.0=n1,children.1=n2'])


def test_dirty_flag_through_filters():
    """dirty-flag appears where QEMU's bdrv_get_info() answers: the file
    driver, and blkdebug (a filter) and raw over it; not null-co."""
    import tempfile
    import shutil
    d = tempfile.mkdtemp(prefix='qmp-dirty-')
    try:
        img = os.path.join(d, 'a.raw')
        with open(img, 'wb') as f:
            f.truncate(1 << 20)
        compare(cmds(('query-named-block-nodes', {'flat': True})),
                args=['--blockdev', 'driver=file,node-name=f,filename=' + img,
                      '--blockdev', 'driver=blkdebug,node-name=b,image=f',
                      '--blockdev', 'driver=null-co,node-name=n,size=1048576',
                      '--blockdev', 'driver=blkdebug,node-name=bn,image=n'])
    finally:
        shutil.rmtree(d, ignore_errors=True)
