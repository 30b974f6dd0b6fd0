"""Jobs and mirror, as QEMU 7.2: blockdev-mirror's checks, the job
lifecycle (ready, complete, pause/standby, soft and forced cancel,
manual finalize and dismiss, speed) with its replies and events, and
upstream iotest 041's repair of a quorum child with `replaces`.

Each scenario runs step by step on Debian's daemon and ours, with fresh
images at the same path; a step's transcript is every line that arrives
until the monitor has been quiet for a moment, event timestamps masked.
"""
import json
import os
import re
import time

import qmplib
from qmplib import mask

MiB = 1 << 20


def mask_ts(line):
    return re.sub(r'"timestamp": \{"seconds": \d+, "microseconds": \d+\}',
                  '"timestamp": TS', mask(line)).strip()


def reply_and_events(conn):
    """Lines up to the command's reply (however long a loaded machine
    takes), then whatever follows until 0.3 s of quiet."""
    lines = []
    while True:
        line = conn.recv_line(10)
        if line is None:
            return lines + ['<no reply>']
        lines.append(line)
        if b'"return"' in line or b'"error"' in line:
            return lines + conn.quiet(0.3)


def run_steps(binary, d, steps):
    """Send each step; collect its reply and the events after it."""
    out = []
    with qmplib.Daemon(binary, []) as dm:
        for step in steps:
            if isinstance(step, (int, float)):
                time.sleep(step)
                continue
            if callable(step):
                out.append(step(d))
                continue
            dm.c.send(json.dumps(step) + '\n')
            out.append([mask_ts(l) for l in reply_and_events(dm.c)])
        dm.c.send('{"execute": "query-jobs"}\n')
        out.append([mask_ts(l) for l in dm.c.quiet(0.5)])
    return out


def compare_steps(make_steps, sizes=(MiB,) * 4):
    theirs, ours = qmplib.on_both_with_images(
        lambda binary, d: run_steps(binary, d, make_steps(d)), sizes,
        'qmp-jobs-')
    for i, (t, o) in enumerate(zip(theirs, ours)):
        if t != o:
            raise AssertionError('step %d differs from QEMU:\n  qemu: %s'
                                 '\n  ours: %s' % (i, t, o))
    return ours


def ex(name, **args):
    return {'execute': name, 'arguments': args} if args else \
        {'execute': name}


def raw(d, i, name):
    return {'driver': 'raw', 'node-name': name,
            'file': {'driver': 'file', 'filename': '%s/img%d.raw' % (d, i)}}


def quorum_and_target(d):
    return [ex('blockdev-add', driver='quorum', **{'node-name': 'q'},
               **{'vote-threshold': 2},
               children=[raw(d, 0, 'c0'), raw(d, 1, 'c1'), raw(d, 2, 'c2')]),
            ex('blockdev-add', **raw(d, 3, 'tgt'))]


def mirror(**kw):
    args = {'job-id': 'j1', 'device': 'q', 'target': 'tgt', 'sync': 'full'}
    args.update(kw)
    return ex('blockdev-mirror', **args)


def corrupt_c1(d):
    """A step: c1's file (img1.raw) disagrees with the others."""
    with open(os.path.join(d, 'img1.raw'), 'r+b') as f:
        f.write(b'\xff' * 4096)
    return 'corrupted c1'


def test_mirror_argument_errors():
    def steps(d):
        s = quorum_and_target(d)
        for kw in ({'granularity': 3}, {'granularity': 1536},
                   {'granularity': 128 * MiB}, {'buf-size': -1},
                   {'speed': -1}, {'replaces': 'nope'},
                   {'replaces': 'tgt'}, {'device': 'c0'},
                   {'target': 'q'}, {'device': 'nope'},
                   {'target': 'nope'}, {'job-id': '1j'},
                   {'sync': 'incremental'}, {'sync': 'bitmap'},
                   {'sync': 'nope'}, {'x': 1}):
            s.append(mirror(**kw))
        s.append(ex('blockdev-mirror', device='q', target='tgt',
                    sync='full'))
        s += [ex('query-jobs'), ex('query-block-jobs'),
              ex('job-pause', id='j1'), ex('job-cancel', id='nope'),
              ex('block-job-pause', device='nope'),
              ex('block-job-set-speed', device='nope', speed=1),
              ex('block-job-dismiss', id='nope')]
        return s
    compare_steps(steps)


def test_mirror_ready_complete_pivots():
    # Mirror a quorum to a new node and complete: the quorum's users now
    # use the target.  query-block-jobs while ready; the events.
    compare_steps(lambda d: quorum_and_target(d) + [
        mirror(), 0.3, ex('query-block-jobs'), ex('query-jobs'),
        ex('block-job-complete', device='nope'),
        ex('job-complete', id='j1'), 0.3,
        ex('query-block-jobs'),
    ])


def test_mirror_pause_standby_and_cancels():
    compare_steps(lambda d: quorum_and_target(d) + [
        mirror(), 0.3,
        ex('job-pause', id='j1'), ex('job-pause', id='j1'), 0.2,
        ex('query-jobs'),
        ex('block-job-cancel', device='j1'),
        ex('job-resume', id='j1'), ex('job-resume', id='j1'), 0.2,
        ex('query-jobs'),
        # A soft cancel of a ready mirror completes it without pivoting.
        ex('block-job-cancel', device='j1'), 0.3,
        mirror(**{'job-id': 'j2'}), 0.3,
        ex('block-job-cancel', device='j2', force=True), 0.3,
    ])


def test_mirror_manual_finalize_dismiss_and_speed():
    compare_steps(lambda d: quorum_and_target(d) + [
        mirror(speed=1, **{'auto-finalize': False, 'auto-dismiss': False}),
        0.3, ex('query-jobs'),
        ex('job-complete', id='j1'),
        ex('block-job-set-speed', device='j1', speed=-5),
        ex('block-job-set-speed', device='j1', speed=0), 0.4,
        ex('query-jobs'),
        ex('job-complete', id='j1'), 0.3,
        ex('query-jobs'),
        ex('job-dismiss', id='j1'),
        ex('job-finalize', id='j1'), 0.2,
        ex('query-block-jobs'),
        ex('block-job-dismiss', id='j1'),
        ex('query-jobs'),
    ], sizes=(4 * MiB,) * 4)


def test_quorum_child_repaired_by_mirror_replaces():
    # iotest 041's TestRepairQuorum: a broken child is replaced by a new
    # node mirrored from the quorum; the quorum then reads the new node.
    def check(d):
        # After the switch img3 (the target) holds what the quorum had.
        with open(os.path.join(d, 'img3.raw'), 'rb') as f:
            return 'img3 zero: %s' % (f.read() == bytes(MiB))

    compare_steps(lambda d: quorum_and_target(d) + [
        corrupt_c1,
        mirror(replaces='q0'), mirror(replaces='c1', speed=-1),
        mirror(replaces='c1'), 0.3,
        ex('job-complete', id='j1'), 0.3, check,
        ex('query-named-block-nodes', flat=True),
        ex('x-blockdev-change', parent='q', child='children.1'),
        ex('blockdev-del', **{'node-name': 'c1'}),
        ex('blockdev-del', **{'node-name': 'tgt'}),
    ])


def nbd_start(d):
    return ex('nbd-server-start',
              addr={'type': 'unix', 'data': {'path': d + '/nbd.sock'}})


def export(node, eid, writable=True):
    return ex('block-export-add', type='nbd', id=eid,
              **{'node-name': node, 'writable': writable})


def test_mirror_target_conflicts_with_other_parents():
    # A mirror's target edge takes WRITE and shares neither WRITE nor
    # CONSISTENT_READ, as QEMU's.  Every other parent of the target that
    # takes or unshares one of those refuses the mirror, or is refused
    # while it runs: writable and read-only exports, a node above the
    # target once exported, a quorum that does not share WRITE on its
    # children (even unused), blkdebug's unshare-child-perms.  A second
    # mirror into the target is busy.  Once the job has ended it holds
    # nothing, dismissed or not: another mirror starts, an export comes
    # up.
    def steps(d):
        return [nbd_start(d),
                ex('blockdev-add', **raw(d, 0, 'src')),
                ex('blockdev-add', **raw(d, 1, 'tgt')),
                ex('blockdev-add', **raw(d, 2, 'src2')),
                ex('blockdev-add', driver='raw', file='tgt',
                   **{'node-name': 'r'}),
                ex('blockdev-add', driver='quorum', **{'node-name': 'q'},
                   **{'vote-threshold': 1},
                   children=[raw(d, 3, 'c0'), raw(d, 4, 'c1')]),
                ex('blockdev-add', driver='blkdebug', image=raw(d, 5, 'd'),
                   **{'node-name': 'dbg', 'unshare-child-perms': ['write']}),
                export('tgt', 'e-w'),
                mirror(device='src', target='tgt'),
                ex('block-export-del', id='e-w'),
                export('tgt', 'e-ro', False),
                mirror(device='src', target='tgt'),
                ex('block-export-del', id='e-ro'),
                mirror(device='src', target='c0'),
                mirror(device='src', target='d'),
                mirror(device='src', target='tgt',
                       **{'auto-dismiss': False}), 0.3,
                export('tgt', 'e-w'),
                export('tgt', 'e-ro', False),
                export('r', 'e-r'),
                export('r', 'e-r-ro', False),
                mirror(device='src2', target='tgt', granularity=1536),
                mirror(device='src2', target='tgt', **{'job-id': 'j2'}),
                mirror(device='src2', target='tgt', replaces='nope',
                       **{'job-id': 'j2'}),
                ex('query-block-jobs'),
                ex('block-job-cancel', device='j1'), 0.3,
                mirror(device='src2', target='tgt', **{'job-id': 'j2'}), 0.3,
                ex('block-job-cancel', device='j2', force=True), 0.3,
                ex('job-dismiss', id='j1'),
                export('tgt', 'e-w'),
                ex('query-block-exports')]
    compare_steps(steps, sizes=(MiB,) * 6)


def test_quorum_child_repaired_under_an_exported_quorum():
    # iotest 041's repair while a client uses the quorum: the mirror's
    # target edge lets go of the target before it takes c1's place under
    # q, whose edge does not share WRITE.  Until job-finalize the job
    # holds the target (not even a read-only export); once concluded,
    # dismissed or not, the target is q's child: a read-only export
    # beside q's, no writable one until q lets go of it.  Writes through
    # q's export reach the target, not the replaced file.
    def write_and_check(d):
        n = qmplib.Nbd(d + '/nbd.sock', 'q')
        try:
            n.write(0, b'\x5a' * 65536)
            n.flush()
            back = n.read(0, 65536) == b'\x5a' * 65536
        finally:
            n.close()
        files = []
        for i in (1, 3):
            with open(os.path.join(d, 'img%d.raw' % i), 'rb') as f:
                files.append(f.read(65536))
        return 'read back: %s, img3 written: %s, img1 untouched: %s' % (
            back, files[1] == b'\x5a' * 65536,
            files[0] == b'\xff' * 4096 + bytes(65536 - 4096))

    compare_steps(lambda d: [nbd_start(d)] + quorum_and_target(d) + [
        export('q', 'eq'), corrupt_c1,
        mirror(replaces='c1', **{'auto-finalize': False,
                                 'auto-dismiss': False}), 0.3,
        export('tgt', 'et'),
        ex('job-complete', id='j1'), 0.3,
        export('tgt', 'et', False),
        ex('job-finalize', id='j1'), 0.3,
        export('tgt', 'et', False),
        ex('block-export-del', id='et'), 0.2,
        export('tgt', 'et-w'),
        ex('job-dismiss', id='j1'),
        write_and_check,
        ex('query-block-exports'),
        ex('x-blockdev-change', parent='q', child='children.1'),
        export('tgt', 'et-w'),
    ])
