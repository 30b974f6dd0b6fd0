"""The scrub job (ours; docs/self-healing.md): every range of every
replica is read and voted on, the minority reported and repaired, with a
writer running; pause and resume, speed, resume after a restart."""
import json
import os
import random
import shutil
import signal
import tempfile
import threading
import time
from qmplib import Daemon, Nbd, OURS

KiB = 1 << 10
MiB = 1 << 20
SIZE = 8 * MiB
# (replica, offset, length, byte): two replicas bad at different places
PLANTED = [(1, 1 * MiB + 4 * KiB, 4 * KiB, 0xff),
           (2, 3 * MiB + 12 * KiB, 8 * KiB, 0xee),
           (1, 2 * MiB + 512 * KiB, 4 * KiB, 0x01)]


def ok(r):
    assert r == {'return': {}}, r
    return r


def images(path):
    for i in range(3):
        with open(os.path.join(path, 'img%d.raw' % i), 'wb') as f:
            f.write(b'\x5a' * SIZE)


def plant(path):
    for i, off, n, byte in PLANTED:
        with open(os.path.join(path, 'img%d.raw' % i), 'r+b') as f:
            f.seek(off)
            f.write(bytes([byte]) * n)


def replicas_equal(path):
    data = [open(os.path.join(path, 'img%d.raw' % i), 'rb').read()
            for i in range(3)]
    return data[0] == data[1] == data[2]


def quorum(path, dirty_file=False):
    q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
         'children': [{'driver': 'raw', 'node-name': 'c%d' % i, 'file': {
             'driver': 'file',
             'filename': os.path.join(path, 'img%d.raw' % i)}}
             for i in range(3)]}
    if dirty_file:
        q['dirty-bitmap-file'] = os.path.join(path, 'q.dirty')
    return q


def start(path, dirty_file=False):
    sock = os.path.join(path, 'nbd.sock')
    return Daemon(OURS, ['--blockdev', json.dumps(quorum(path, dirty_file)),
                         '--nbd-server', 'addr.type=unix,addr.path=' + sock,
                         '--export', 'type=nbd,id=e,node-name=q,writable=on'])


class Writer:
    """Writes blocks in the upper half, where nothing is planted."""

    def __init__(self, path):
        self.n = Nbd(os.path.join(path, 'nbd.sock'), 'q')
        self.rng = random.Random(5)
        self.stop = False
        self.count = 0
        self.acked = {}
        self.t = threading.Thread(target=self.run)
        self.t.start()

    def run(self):
        while not self.stop:
            blk = self.rng.randrange(SIZE // 2 // 4096, SIZE // 4096)
            data = bytes([self.count % 200 + 1]) * 4096
            self.n.write(blk * 4096, data)
            self.acked[blk] = data
            self.count += 1
            time.sleep(0.001)

    def finish(self):
        self.stop = True
        self.t.join()
        for blk, data in self.acked.items():
            assert self.n.read(blk * 4096, 4096) == data, blk
        self.n.close()
        return self.count


def wait_job(d, job, timeout=60):
    deadline = time.time() + timeout
    out = []
    while time.time() < deadline:
        m = d.c.recv(0.5)
        if m and 'event' in m:
            out.append(m)
            if m['event'] == 'JOB_STATUS_CHANGE' and \
                    m['data'] == {'status': 'null', 'id': job}:
                return out
    raise AssertionError('job %s did not end: %r' % (job, out))


def bad_ranges(d):
    st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
    return sorted((i, r['sector-num'] * 512, r['sectors-count'] * 512)
                  for i, c in enumerate(st['children'])
                  for r in c['bad-ranges'])


def planted_ranges():
    return sorted((i, off, n) for i, off, n, _ in PLANTED)


def scrub(d, **kw):
    args = dict({'job-id': 's', 'node-name': 'q'}, **kw)
    ok(d.c.cmd('x-quorum-scrub', args))
    ev = wait_job(d, 's')
    done = [e for e in ev if e['event'] == 'BLOCK_JOB_COMPLETED']
    assert len(done) == 1 and 'error' not in done[0]['data'], ev
    assert done[0]['data']['type'] == 'x-quorum-scrub', done
    return ev


def with_images(fn):
    path = tempfile.mkdtemp(prefix='qsd-scrub-')
    try:
        images(path)
        plant(path)
        fn(path)
    finally:
        shutil.rmtree(path)


def test_scrub_repairs_two_bad_replicas_with_a_writer_running():
    def run(path):
        with start(path) as d:
            w = Writer(path)
            time.sleep(0.2)
            t0 = time.time()
            ev = scrub(d, repair=True)
            writes = w.finish()
            assert writes > 50, writes
            # Every planted range and nothing else, each child's first
            # at once as an event (the others are rate limited).
            assert bad_ranges(d) == planted_ranges(), bad_ranges(d)
            first = [(e['data']['node-name'], e['data']['sector-num'])
                     for e in ev if e['event'] == 'QUORUM_REPORT_BAD']
            assert ('c2', (3 * MiB + 12 * KiB) // 512) in first, first
            assert ('c1', (1 * MiB + 4 * KiB) // 512) in first, first
            st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
            assert [c['repaired-bytes'] for c in st['children']] == \
                [0, 8 * KiB, 8 * KiB], st
            assert time.time() - t0 < 30
        assert replicas_equal(path)
    with_images(run)


def test_scrub_without_repair_only_reports():
    def run(path):
        with start(path) as d:
            scrub(d)
            assert bad_ranges(d) == planted_ranges()
            st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
            assert [c['repaired-bytes'] for c in st['children']] == [0, 0, 0]
        assert not replicas_equal(path)
    with_images(run)


def test_scrub_paused_resumed_and_rate_limited_with_a_writer():
    def run(path):
        with start(path) as d:
            w = Writer(path)
            # 8 MiB on each of 3 children at 12 MiB/s: about 2 s.
            ok(d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'q',
                                          'repair': True,
                                          'speed': 12 * MiB}))
            t0 = time.time()
            time.sleep(0.3)
            ok(d.c.cmd('job-pause', {'id': 's'}))
            time.sleep(0.2)
            j = d.c.cmd('query-jobs')['return'][0]
            assert j['status'] == 'paused', j
            held = j['current-progress']
            time.sleep(1.0)
            j = d.c.cmd('query-jobs')['return'][0]
            assert j['current-progress'] == held, (held, j)
            assert 0 < held < SIZE, j
            ok(d.c.cmd('job-resume', {'id': 's'}))
            ev = wait_job(d, 's')
            elapsed = time.time() - t0 - 1.2      # minus the pause
            assert [e for e in ev if e['event'] == 'BLOCK_JOB_COMPLETED']
            # QEMU's rate limit lets the first slice through at once.
            assert 1.0 < elapsed < 8, elapsed
            w.finish()
            assert bad_ranges(d) == planted_ranges()
        assert replicas_equal(path)
    with_images(run)


def test_scrub_resumes_after_a_restart():
    def run(path):
        with start(path, dirty_file=True) as d:
            ok(d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'q',
                                          'speed': 3 * MiB}))
            time.sleep(1.5)
            ok(d.c.cmd('job-cancel', {'id': 's'}))
            wait_job(d, 's')
            pos = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return'][
                'scrub-position']
            assert 0 < pos < SIZE, pos
            os.kill(d.proc.pid, signal.SIGKILL)
            d.proc.wait()
        with start(path, dirty_file=True) as d:
            st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
            assert st['scrub-position'] == pos, (st, pos)
            ok(d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'q',
                                          'resume': True, 'repair': True}))
            j = d.c.cmd('query-jobs')['return'][0]
            assert j['total-progress'] == SIZE - pos, j
            wait_job(d, 's')
            # Only what lies after the saved position was scrubbed.
            assert bad_ranges(d) == [r for r in planted_ranges()
                                     if r[1] >= pos]
            st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
            assert st['scrub-position'] == 0, st
    with_images(run)


def test_scrub_errors():
    path = tempfile.mkdtemp(prefix='qsd-scrub-')
    try:
        images(path)
        with start(path) as d:
            ok(d.c.cmd('blockdev-add', {'driver': 'null-co',
                                        'node-name': 'nn'}))
            r = d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'nn'})
            assert r['error']['desc'] == \
                "Node 'nn' (driver 'null-co') has no replicas to scrub", r
            r = d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'zz'})
            assert r['error']['desc'] == \
                "Cannot find device='zz' nor node-name='zz'", r
            # Three versions of a block: no majority, the job says where.
            for i, byte in ((1, 0x11), (2, 0x22)):
                with open(os.path.join(path, 'img%d.raw' % i), 'r+b') as f:
                    f.seek(64 * KiB)
                    f.write(bytes([byte]) * 4096)
            ok(d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'q',
                                          'repair': True}))
            ev = wait_job(d, 's')
            done = [e for e in ev if e['event'] == 'BLOCK_JOB_COMPLETED']
            assert done[0]['data']['error'] == (
                "Scrub of node 'q' found 4096 bytes from offset 65536 "
                "without a majority"), done
    finally:
        shutil.rmtree(path)


def test_scrub_of_children_that_never_yield():
    """null-co children complete reads without yielding: the scrub must
    not be woken after it went on (found by fuzz-qmp: an assertion in
    job_do_yield)."""
    path = tempfile.mkdtemp(prefix='qsd-scrub-')
    try:
        images(path)
        with start(path) as d:
            ok(d.c.cmd('blockdev-add', {
                'driver': 'quorum', 'node-name': 'nq', 'vote-threshold': 2,
                'children': [{'driver': 'null-co', 'read-zeroes': True,
                              'size': 4 * MiB} for _ in range(3)]}))
            ok(d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'nq',
                                          'repair': True}))
            ev = wait_job(d, 's')
            done = [e for e in ev if e['event'] == 'BLOCK_JOB_COMPLETED']
            assert done and 'error' not in done[0]['data'], ev
            assert done[0]['data']['offset'] == 4 * MiB, done
            assert d.alive()
    finally:
        shutil.rmtree(path)


def test_scrub_position_from_a_damaged_file():
    """The position a scrub resumes at comes from the dirty-bitmap-file:
    one outside the node (negative, past the end) starts over at 0."""
    def run(path):
        with start(path, dirty_file=True) as d:
            pass
        for pos in (-(1 << 63), -4096, SIZE + 4096, (1 << 63) - 1):
            with open(os.path.join(path, 'q.dirty'), 'r+b') as f:
                f.seek(32)
                f.write(pos.to_bytes(8, 'little', signed=True))
            with start(path, dirty_file=True) as d:
                st = d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']
                assert st['scrub-position'] == 0, (pos, st)
                ok(d.c.cmd('x-quorum-scrub', {'job-id': 's', 'node-name': 'q',
                                              'resume': True}))
                j = d.c.cmd('query-jobs')['return'][0]
                assert j['total-progress'] == SIZE, (pos, j)
                ev = wait_job(d, 's')
                done = [e for e in ev if e['event'] == 'BLOCK_JOB_COMPLETED']
                assert done and 'error' not in done[0]['data'], (pos, ev)
    with_images(run)
