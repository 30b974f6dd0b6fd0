"""blockdev-reopen as QEMU 7.2 answers it: flags that may change,
options that may not, child references, permissions and several nodes
in one call.  Each scenario runs on Debian's daemon and ours with fresh
images at the same path; the transcripts must be identical."""
from test_perms import cmds, compare_files, file_node, raw, unix, export


def reopen(*nodes):
    return ('blockdev-reopen', {'options': list(nodes)})


def with_(node, **kw):
    return dict(node, **{k.replace('_', '-'): v for k, v in kw.items()})


FLAT = ('query-named-block-nodes', {'flat': True})


def test_read_only_and_cache_modes():
    # Options left out return to their defaults: read-write, no cache
    # options.  A raw node's referenced file child keeps its own flags.
    compare_files(lambda d: cmds(
        ('blockdev-add', file_node(d, 0, 'f')),
        ('blockdev-add', with_(raw(d, 0, 'r'), file='f')),
        reopen(with_(raw(d, 0, 'r'), file='f', read_only=True)),
        FLAT,
        reopen(with_(raw(d, 0, 'r'), file='f')),
        reopen(with_(file_node(d, 0, 'f'), read_only=True,
                     cache={'direct': True, 'no-flush': True})),
        FLAT,
        reopen(file_node(d, 0, 'f')),
        reopen(with_(file_node(d, 0, 'f'), discard='unmap',
                     detect_zeroes='on', auto_read_only=True)),
        FLAT,
        reopen(with_(file_node(d, 0, 'f'), drop_cache=False)),
        FLAT,
    ))


def test_inline_child_follows_parent():
    # A child given inline is reopened with its parent and inherits its
    # flags unless it sets its own.
    compare_files(lambda d: cmds(
        ('blockdev-add', raw(d, 0, 'r')),
        reopen(with_(raw(d, 0, 'r'), read_only=True)),
        FLAT,
        reopen(with_(raw(d, 0, 'r'),
                     file=with_(file_node(d, 0), read_only=True))),
        FLAT,
        reopen(with_(raw(d, 0, 'r'), cache={'no-flush': True})),
        FLAT,
        # Named as it is, the child keeps its options but for those the
        # parent sets, and stays the parent's own.
        ('blockdev-add', with_(raw(d, 1, 'p'), file=file_node(d, 1, 'pf'))),
        reopen(with_(raw(d, 1, 'p'), file=with_(file_node(d, 1, 'pf'),
                                                cache={'no-flush': True}))),
        reopen(with_(raw(d, 1, 'p'), file='pf')),
        FLAT,
        reopen(with_(raw(d, 1, 'p'), file='pf', read_only=True)),
        FLAT,
        reopen(with_(raw(d, 1, 'p'), file='pf')),
        reopen(with_(raw(d, 1, 'p'), file=file_node(d, 1, 'pf'))),
        FLAT,
    ))


def test_lookup_errors():
    compare_files(lambda d: cmds(
        ('blockdev-add', file_node(d, 0, 'f')),
        ('blockdev-reopen', {}),
        reopen({'driver': 'raw', 'file': 'f'}),
        reopen(with_(raw(d, 0, 'nope'), file='f')),
        reopen(with_(raw(d, 0, 'f'), file='f'), {'driver': 'raw'}),
        reopen(file_node(d, 0, 'f'), with_(file_node(d, 0), file='x')),
    ))


def test_options_that_cannot_change():
    compare_files(lambda d: cmds(
        ('blockdev-add', file_node(d, 0, 'f')),
        ('blockdev-add', with_(raw(d, 0, 'r'), file='f')),
        ('blockdev-add', {'driver': 'null-co', 'node-name': 'n'}),
        reopen(file_node(d, 1, 'f')),
        reopen(with_(file_node(d, 0, 'f'), aio='threads')),
        reopen(with_(file_node(d, 0, 'f'), locking='off')),
        reopen(with_(file_node(d, 0, 'f'), force_share=True,
                     read_only=True)),
        reopen({'driver': 'null-co', 'node-name': 'f'}),
        reopen(with_(raw(d, 0, 'f'), file='r')),
        reopen({'driver': 'null-co', 'node-name': 'n', 'size': 4096}),
        reopen({'driver': 'null-co', 'node-name': 'n', 'read-only': True}),
        # A child referenced by name cannot be redefined inline.
        reopen(raw(d, 0, 'r')),
        FLAT,
    ))


def test_driver_without_reopen():
    # QEMU's message comes from the block layer for any such driver.
    compare_files(lambda d: cmds(
        ('blockdev-add', {'driver': 'quorum', 'node-name': 'q',
                          'vote-threshold': 1,
                          'children': [raw(d, 0, 'q0'), raw(d, 1, 'q1')]}),
        reopen({'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
                'children': ['q0', 'q1']}),
        reopen({'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 1,
                'children': ['q0', 'q1'], 'read-only': True}),
        reopen(with_(raw(d, 0, 'q0'), read_only=True)),
        FLAT,
    ))


def test_file_child_switch():
    compare_files(lambda d: cmds(
        ('blockdev-add', file_node(d, 0, 'f')),
        ('blockdev-add', file_node(d, 1, 'f2')),
        ('blockdev-add', with_(raw(d, 0, 'r'), file='f')),
        reopen(with_(raw(d, 0, 'r'), file='r')),
        reopen(with_(raw(d, 0, 'r'), file='nonexist')),
        reopen(with_(raw(d, 0, 'r'), file='f2')),
        FLAT,
        reopen(with_(raw(d, 0, 'r'), file='f')),
        ('blockdev-del', {'node-name': 'f2'}),
        FLAT,
    ))


def test_raw_offset_and_size():
    compare_files(lambda d: cmds(
        ('blockdev-add', file_node(d, 0, 'f')),
        ('blockdev-add', with_(raw(d, 0, 'r'), file='f', offset=512,
                               size=4096)),
        FLAT,
        reopen(with_(raw(d, 0, 'r'), file='f', offset=1024)),
        FLAT,
        reopen(with_(raw(d, 0, 'r'), file='f', offset=2 << 20)),
        reopen(with_(raw(d, 0, 'r'), file='f', size=1000)),
        reopen(with_(raw(d, 0, 'r'), file='f', size=8192)),
        FLAT,
        reopen(with_(raw(d, 0, 'r'), file=file_node(d, 0))),
    ))


def test_writers_keep_nodes_writable():
    # A writable export needs WRITE all the way down.
    compare_files(lambda d: cmds(
        ('nbd-server-start', {'addr': unix(d)}),
        ('blockdev-add', with_(raw(d, 0, 'r'),
                               file=file_node(d, 0, 'rf'))),
        export('r', 'e'),
        reopen(with_(raw(d, 0, 'r'), file=file_node(d, 0, 'rf'),
                     read_only=True)),
        reopen(with_(raw(d, 0, 'r'),
                     file=with_(file_node(d, 0, 'rf'), read_only=True))),
        reopen(with_(file_node(d, 0, 'rf'), read_only=True)),
        reopen(with_(raw(d, 0, 'r'), file=file_node(d, 0, 'rf'),
                     cache={'no-flush': True})),
        ('blockdev-add', with_(file_node(d, 1, 'ro'), read_only=True)),
        reopen(with_(raw(d, 0, 'r'), file='ro')),
        reopen(with_(raw(d, 0, 'r'), file='rf')),
        FLAT,
    ))


def test_several_nodes_all_or_none():
    compare_files(lambda d: cmds(
        ('blockdev-add', raw(d, 0, 'a')),
        ('blockdev-add', raw(d, 1, 'b')),
        reopen(with_(raw(d, 0, 'a'), read_only=True),
               with_(raw(d, 1, 'b'), read_only=True)),
        FLAT,
        reopen(raw(d, 0, 'a'), with_(raw(d, 1, 'b'), file=file_node(d, 2))),
        FLAT,
        reopen(raw(d, 0, 'a'), raw(d, 1, 'b')),
        FLAT,
    ))
