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
    def corrupt(d):
        with open(os.path.join(d, 'img1.raw'), 'r+b') as f:
            f.write(b'\xff' * 4096)
        return 'corrupted c1'

    def check(d):
        # After the switch img3 (the target) holds what the quorum had.
        with open(os.path.join(d, 'img3.raw'), 'rb') as f:
            return 'img3 zero: %s' % (f.read() == bytes(MiB))

    compare_steps(lambda d: quorum_and_target(d) + [
        corrupt,
        mirror(replaces='q0'), mirror(replaces='c1', speed=-1),
        mirror(replaces='c1'), 0.3,
        ex('job-complete', id='j1'), 0.3, check,
        ex('query-named-block-nodes', flat=True),
        ex('x-blockdev-change', parent='q', child='children.1'),
        ex('blockdev-del', **{'node-name': 'c1'}),
        ex('blockdev-del', **{'node-name': 'tgt'}),
    ])
