"""Per-child dirty tracking and resync (ours; docs/self-healing.md).

A quorum of three raw files; the third child sits on blkdebug, which
fails one write when told to.  I/O goes through the daemon's NBD export,
the way a user's does; the replica files are compared byte for byte.
"""
import json
import os
import shutil
import signal
import tempfile
import time
import qmplib
from qmplib import Daemon, Nbd, OURS, Skip

MiB = 1 << 20
KiB = 1 << 10
GRAN = 64 * KiB


def ok(r):
    assert r == {'return': {}}, r
    return r


def images(d, n=3, size=MiB):
    for i in range(n):
        with open(os.path.join(d, 'img%d.raw' % i), 'wb') as f:
            f.truncate(size)


def child(i, fail_once=False, node=None):
    f = {'driver': 'file', 'filename': '@DIR@/img%d.raw' % i}
    if fail_once:
        f = {'driver': 'blkdebug', 'image': f, 'inject-error': [
            {'event': 'write_aio', 'errno': 5, 'once': True}]}
    c = {'driver': 'raw', 'file': f}
    if node:
        c['node-name'] = node
    return c


def quorum_opts(fail_once=2, dirty_file=False, n=3):
    q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
         'children': [child(i, i == fail_once) for i in range(n)]}
    if dirty_file:
        q['dirty-bitmap-file'] = '@DIR@/q.dirty'
    return q


def subst(d, obj):
    if isinstance(obj, dict):
        return {k: subst(d, v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [subst(d, v) for v in obj]
    if isinstance(obj, str):
        return obj.replace('@DIR@', d.dir)
    return obj


def export(d):
    sock = os.path.join(d.dir, 'nbd.sock')
    if not os.path.exists(sock):
        ok(d.c.cmd('nbd-server-start', {'addr': {
            'type': 'unix', 'data': {'path': sock}}}))
    ok(d.c.cmd('block-export-add', {'type': 'nbd', 'id': 'e',
                                    'node-name': 'q', 'writable': True}))
    return Nbd(sock, 'q')


def start(args=(), prepare=images):
    return Daemon(OURS, args=list(args), prepare=prepare)


def stats(d):
    return d.c.cmd('x-query-quorum', {'node-name': 'q'})['return']


def dirty(d):
    return [c['dirty-bytes'] for c in stats(d)['children']]


def file_bytes(d, i, offset, length):
    with open(os.path.join(d.dir, 'img%d.raw' % i), 'rb') as f:
        f.seek(offset)
        return f.read(length)


def same_files_in(path, n=3):
    data = []
    for i in range(n):
        with open(os.path.join(path, 'img%d.raw' % i), 'rb') as f:
            data.append(f.read())
    return all(x == data[0] for x in data)


def same_files(d, n=3):
    return same_files_in(d.dir, n)


def wait_job_gone(d, job, timeout=30):
    """Events until @job reaches null; the BLOCK_JOB_* events it sent."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        for e in d.c.events:
            if e['event'].startswith('BLOCK_JOB') and \
                    e['data'].get('device') == job:
                out.append(e)
            if e['event'] == 'JOB_STATUS_CHANGE' and \
                    e['data'] == {'status': 'null', 'id': job}:
                d.c.events = []
                return out
        d.c.events = []
        m = d.c.recv(0.5)
        if m and 'event' in m:
            d.c.events.append(m)
    raise AssertionError('job %s did not end; events %r' % (job, out))


def resync(d, job='r', child='children.2', **kw):
    ok(d.c.cmd('x-quorum-resync', dict({'job-id': job, 'node-name': 'q',
                                        'child': child}, **kw)))
    ev = wait_job_gone(d, job)
    assert [e['event'] for e in ev] == ['BLOCK_JOB_COMPLETED'], ev
    assert ev[0]['data']['type'] == 'x-quorum-resync', ev
    assert 'error' not in ev[0]['data'], ev
    return ev[0]['data']


def test_failed_write_marks_child_and_resync_copies_only_that():
    with start() as d:
        ok(d.c.cmd('blockdev-add', subst(d, quorum_opts())))
        n = export(d)
        assert dirty(d) == [0, 0, 0]
        n.write(128 * KiB + 512, b'\xab' * 4096)    # child 2 fails it
        n.flush()
        assert dirty(d) == [0, 0, GRAN], stats(d)
        assert stats(d)['children'][2]['write-errors'] == 1
        d.c.events = []
        # The stale child is not read there: no lost vote, right data.
        assert n.read(128 * KiB, 8192) == \
            b'\0' * 512 + b'\xab' * 4096 + b'\0' * 3584
        assert [e for e in d.c.events + [m for m in [d.c.recv(0.3)] if m]
                if e['event'].startswith('QUORUM')] == []
        assert stats(d)['children'][2]['mismatches'] == 0
        assert file_bytes(d, 2, 128 * KiB + 512, 4096) == b'\0' * 4096
        assert not same_files(d)
        # Writes elsewhere meanwhile reach child 2 and keep it clean there.
        n.write(512 * KiB, b'\xcd' * 4096)
        done = resync(d)
        assert done['len'] == GRAN and done['offset'] == GRAN, done
        c2 = stats(d)['children'][2]
        assert c2['dirty-bytes'] == 0 and c2['resynced-bytes'] == GRAN, c2
        assert c2['resync'] == 'idle' and 'resync-job' not in c2, c2
        assert same_files(d)


def test_second_fault_after_resync_reads_right_data():
    with start() as d:
        ok(d.c.cmd('blockdev-add', subst(d, quorum_opts())))
        n = export(d)
        n.write(128 * KiB, b'\xab' * 4096)      # child 2 misses it
        resync(d)
        # Now child 1 goes bad in that range: children 0 and 2 outvote it.
        with open(os.path.join(d.dir, 'img1.raw'), 'r+b') as f:
            f.seek(128 * KiB)
            f.write(b'\xff' * 4096)
        assert n.read(128 * KiB, 4096) == b'\xab' * 4096
        assert stats(d)['children'][1]['mismatches'] == 1


def test_second_fault_without_resync_fails():
    with start() as d:
        q = quorum_opts()
        ok(d.c.cmd('blockdev-add', subst(d, q)))
        n = export(d)
        n.write(128 * KiB, b'\xab' * 4096)      # child 2 misses it
        with open(os.path.join(d.dir, 'img1.raw'), 'r+b') as f:
            f.seek(128 * KiB)
            f.write(b'\xff' * 4096)
        try:
            n.read(128 * KiB, 4096)
        except Exception as e:
            assert 'errno 5' in str(e), e
        else:
            raise AssertionError('the read had no majority but succeeded')


def test_dirty_bitmap_file_survives_sigkill():
    work = tempfile.mkdtemp(prefix='qsd-resync-')

    def daemon(fail):
        q = quorum_opts(fail_once=2 if fail else None, dirty_file=True)
        q = json.loads(json.dumps(q).replace('@DIR@', work))
        return start(['--blockdev', json.dumps(q)], prepare=lambda d: None)
    try:
        images(work)
        d = daemon(True)
        with d:
            n = export(d)
            n.write(300 * KiB, b'\xab' * 4096)
            n.write(900 * KiB, b'\xac' * 100)   # reaches every child
            assert dirty(d) == [0, 0, GRAN]
            os.kill(d.proc.pid, signal.SIGKILL)     # no clean shutdown
            d.proc.wait()
        # The same images and dirty file, a new daemon: it still knows.
        with daemon(False) as d:
            st = stats(d)
            assert st['dirty-bitmap-file'] == os.path.join(work, 'q.dirty')
            assert dirty(d) == [0, 0, GRAN], st
            n = export(d)
            assert n.read(300 * KiB, 4096) == b'\xab' * 4096
            resync(d)
            assert same_files_in(work)
            assert dirty(d) == [0, 0, 0]
            os.kill(d.proc.pid, signal.SIGKILL)
            d.proc.wait()
        # Clean on disk too after the resync.
        with daemon(False) as d:
            assert dirty(d) == [0, 0, 0]
    finally:
        shutil.rmtree(work)


def test_dirty_bitmap_file_mismatch_refused():
    with start() as d:
        q = subst(d, quorum_opts(dirty_file=True))
        ok(d.c.cmd('blockdev-add', q))
        ok(d.c.cmd('blockdev-del', {'node-name': 'q'}))
        q['dirty-granularity'] = 4096
        r = d.c.cmd('blockdev-add', q)
        assert r['error']['desc'] == (
            "dirty-bitmap-file '%s/q.dirty' was written for 1048576 bytes "
            "at granularity 65536, not 1048576 bytes at 4096" % d.dir), r
        # 4 GiB + 512 once passed as 512, cut to the u32 it is kept in.
        for g in (1000, (1 << 32) + 512):
            q['dirty-granularity'] = g
            r = d.c.cmd('blockdev-add', q)
            assert r['error']['desc'] == (
                "Parameter 'dirty-granularity' expects a power of 2 "
                "between 512 and 1G"), r


def test_added_child_sync_modes():
    with start(prepare=lambda d: images(d, 5)) as d:
        ok(d.c.cmd('blockdev-add', subst(d, quorum_opts(
            fail_once=None, dirty_file=True))))
        n = export(d)
        n.write(0, b'\x11' * 8192)
        n.write(640 * KiB, b'\x22' * 8192)
        # sync=full: the child is resynced by a job that starts by itself.
        ok(d.c.cmd('blockdev-add', subst(d, child(3, node='n3'))))
        ok(d.c.cmd('x-blockdev-change', {'parent': 'q', 'node': 'n3',
                                         'sync': 'full'}))
        ev = wait_job_gone(d, 'resync-q-children.3')
        assert [e['event'] for e in ev] == ['BLOCK_JOB_COMPLETED'], ev
        c3 = stats(d)['children'][3]
        assert c3['dirty-bytes'] == 0, c3
        # Only the granules that hold data were copied.
        assert c3['resynced-bytes'] == 2 * GRAN, c3
        assert same_files(d, 4)
        # Away and back: the file records what it missed meanwhile.
        ok(d.c.cmd('x-blockdev-change', {'parent': 'q',
                                         'child': 'children.3'}))
        n.write(300 * KiB, b'\x33' * 4096)
        ok(d.c.cmd('x-blockdev-change', {'parent': 'q', 'node': 'n3',
                                         'sync': 'dirty-bitmap-file'}))
        wait_job_gone(d, 'resync-q-children.3')
        c3 = stats(d)['children'][3]
        assert c3['resynced-bytes'] == GRAN, c3     # a new edge, new counts
        assert same_files(d, 4)
        # The file knows nothing of a child by that name.
        ok(d.c.cmd('blockdev-add', subst(d, child(4, node='n4'))))
        r = d.c.cmd('x-blockdev-change', {'parent': 'q', 'node': 'n4',
                                          'sync': 'dirty-bitmap-file'})
        assert r['error']['desc'] == (
            "dirty-bitmap-file '%s/q.dirty' holds nothing for child "
            "'children.4'" % d.dir), r
        assert len(stats(d)['children']) == 4


def test_resync_errors():
    with start() as d:
        ok(d.c.cmd('blockdev-add', subst(d, quorum_opts(fail_once=None))))
        r = d.c.cmd('x-quorum-resync', {'job-id': 'r', 'node-name': 'q',
                                        'child': 'children.7'})
        assert r['error']['desc'] == \
            "Node 'q' does not have child 'children.7'", r
        r = d.c.cmd('x-quorum-resync', {'job-id': 'r', 'node-name': 'zz',
                                        'child': 'children.0'})
        assert r['error']['desc'] == \
            "Cannot find device='zz' nor node-name='zz'", r
        ok(d.c.cmd('blockdev-add', {'driver': 'null-co', 'node-name': 'nn'}))
        r = d.c.cmd('x-quorum-resync', {'job-id': 'r', 'node-name': 'nn',
                                        'child': 'children.0'})
        assert r['error']['desc'] == \
            "Node 'nn' (driver 'null-co') cannot resync children", r
        r = d.c.cmd('x-quorum-resync', {'job-id': '1r', 'node-name': 'q',
                                        'child': 'children.0'})
        assert r['error']['desc'] == "Invalid job ID '1r'", r
        r = d.c.cmd('x-blockdev-change', {'parent': 'q', 'node': 'nn',
                                          'sync': 'dirty-bitmap-file'})
        assert r['error']['desc'] == ("sync=dirty-bitmap-file needs a quorum "
                                      "opened with the option "
                                      "dirty-bitmap-file"), r
        # A clean child: the job ends at once, having copied nothing.
        done = resync(d, child='children.0')
        assert done['len'] == 0 and done['offset'] == 0, done


QEMU_NBD = '/usr/bin/qemu-nbd'


def wait_socket(path, proc):
    """Until @proc listens on unix socket @path (the file appears at
    bind(), a moment before listen())."""
    qmplib.connect_unix(path, proc).close()


def serve_qemu_nbd(work):
    """Debian's qemu-nbd serving img2.raw on a fresh r2.sock."""
    import subprocess
    sock = os.path.join(work, 'r2.sock')
    if os.path.exists(sock):
        os.unlink(sock)
    p = subprocess.Popen([QEMU_NBD, '-f', 'raw', '-t', '-k', sock,
                          os.path.join(work, 'img2.raw')],
                         stderr=subprocess.DEVNULL)
    wait_socket(sock, p)
    return p


class Writer:
    """Writes 4 KiB blocks at random places through the export until
    stopped; remembers what each acknowledged write put where."""

    def __init__(self, sock, size, seed, pause=0):
        import random
        import threading
        self.n = Nbd(sock, 'q')
        self.rng = random.Random(seed)
        self.size = size
        self.acked = {}
        self.count = 0
        self.errors = []
        self.stopping = False
        self.pause = pause
        self.t = threading.Thread(target=self.run)
        self.t.start()

    def run(self):
        while not self.stopping:
            blk = self.rng.randrange(self.size // 4096)
            data = bytes([self.count % 251 + 1]) * 4096
            try:
                self.n.write(blk * 4096, data)
            except Exception as e:      # noqa: the test reports it
                self.errors.append(e)
                return
            self.acked[blk] = data
            self.count += 1
            time.sleep(self.pause)

    def stop(self):
        self.stopping = True
        self.t.join()
        assert not self.errors, self.errors
        return self.count


def wchar(pid):
    with open('/proc/%d/io' % pid) as f:
        for line in f:
            if line.startswith('wchar:'):
                return int(line.split()[1])


def test_nbd_replica_cut_off_resyncs_only_what_it_missed():
    """Replica 2 is served by Debian's qemu-nbd.  It is killed while a
    writer runs and comes back; our NBD client reconnects and a resync
    job starts by itself.  Alone, the job copies exactly the dirty
    granules (what the replica's server writes, from /proc/PID/io); with
    the writer running through it, the replica still ends byte-identical
    to the others."""
    import subprocess
    if not os.path.exists(QEMU_NBD):
        raise Skip('%s not installed' % QEMU_NBD)
    size = 16 * MiB
    work = tempfile.mkdtemp(prefix='qsd-resync-nbd-')
    sock2 = os.path.join(work, 'r2.sock')

    def serve():
        return serve_qemu_nbd(work)

    def resync_job_gone(d):
        ev = wait_job_gone(d, 'resync-q-children.2', timeout=60)
        assert [e['event'] for e in ev] == ['BLOCK_JOB_COMPLETED'], ev
        assert 'error' not in ev[0]['data'], ev

    server = None
    try:
        images(work, size=size)
        server = serve()
        q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
             'children': [child(0), child(1),
                          {'driver': 'nbd', 'server': {
                              'type': 'unix', 'path': sock2}}]}
        q = json.loads(json.dumps(q).replace('@DIR@', work))
        with start(['--blockdev', json.dumps(q)],
                   prepare=lambda d: None) as d:
            n = export(d)
            sock = os.path.join(d.dir, 'nbd.sock')
            for seed, measure in ((1, True), (2, False)):
                # Measured: a slow writer leaves most granules clean.
                w = Writer(sock, size, seed, pause=0.01 if measure else 0)
                time.sleep(0.3)
                server.kill()
                server.wait()
                time.sleep(0.7)
                if measure:
                    w.stop()
                missed = dirty(d)[2]
                assert missed > 0 and dirty(d)[:2] == [0, 0], stats(d)
                server = serve()
                before = wchar(server.pid)
                resync_job_gone(d)
                if measure:
                    written = wchar(server.pid) - before
                    # The data, plus 16-byte replies and a handshake.
                    assert missed < size // 2, missed
                    assert missed <= written <= missed + 64 * KiB, \
                        (missed, written)
                    assert stats(d)['children'][2]['resynced-bytes'] == \
                        missed
                else:
                    w.stop()
                n.flush()
                assert dirty(d) == [0, 0, 0], stats(d)
                assert same_files_in(work), 'replica 2 differs'
                for blk, data in w.acked.items():
                    assert n.read(blk * 4096, 4096) == data, blk
    finally:
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(work)


def read_dirty_file(path, slot_name, nbits):
    """The bits of slot @slot_name in a dirty-bitmap-file (layout in
    block/quorum-dirty.c), as a set of granule numbers."""
    import struct
    with open(path, 'rb') as f:
        head = f.read(4096)
        assert head[:8] == b'QRMDIRTY', head[:8]
        stride = ((nbits + 63) // 64 * 8 + 4095) // 4096 * 4096
        for k in range(64):
            e = head[64 + k * 48:64 + (k + 1) * 48]
            name = e[:40].rstrip(b'\0').decode()
            flags = struct.unpack('<Q', e[40:48])[0]
            if flags & 1 and name == slot_name:
                f.seek(4096 + k * stride)
                words = f.read((nbits + 63) // 64 * 8)
                words += b'\0' * ((nbits + 63) // 64 * 8 - len(words))
                bits = set()
                for w in range(len(words) // 8):
                    v = struct.unpack('<Q', words[w * 8:w * 8 + 8])[0]
                    bits |= {w * 64 + b for b in range(64) if v >> b & 1}
                return bits
    return None


class CrashWriter(Writer):
    """A Writer that notes the block of the request on the wire when the
    connection dies (its outcome is unknown)."""

    def run(self):
        self.inflight = None
        while not self.stopping:
            blk = self.rng.randrange(self.size // 4096)
            data = self.rng.randbytes(4096)
            self.inflight = blk
            try:
                self.n.write(blk * 4096, data)
            except Exception:       # the daemon was killed
                return
            self.acked[blk] = data
            self.inflight = None
            self.count += 1


def test_sigkill_loop_never_marks_a_stale_replica_clean():
    """SIGKILL the daemon at random moments while a writer runs and the
    NBD replica comes and goes.  After each kill, every granule where a
    replica differs from the others is dirty for it in the
    dirty-bitmap-file (unless a write to it was on the wire), and after a
    restart and resync every acknowledged write reads back.  Cycles:
    $RESYNC_CRASH_CYCLES (default 3; the long script runs more)."""
    import random
    import subprocess
    if not os.path.exists(QEMU_NBD):
        raise Skip('%s not installed' % QEMU_NBD)
    cycles = int(os.environ.get('RESYNC_CRASH_CYCLES', '3'))
    rng = random.Random(int(os.environ.get('RESYNC_CRASH_SEED', '7')))
    size = 8 * MiB
    nbits = size // GRAN
    work = tempfile.mkdtemp(prefix='qsd-resync-crash-')
    sock2 = os.path.join(work, 'r2.sock')
    dirty_path = os.path.join(work, 'q.dirty')
    model = {}          # block -> the values it may hold
    server = None
    stats_out = {'cycles': 0, 'stale-granules': 0, 'writes': 0,
                 'resynced': 0}

    def serve():
        return serve_qemu_nbd(work)

    q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
         'dirty-bitmap-file': dirty_path,
         'children': [child(0), child(1),
                      {'driver': 'nbd', 'server': {'type': 'unix',
                                                   'path': sock2}}]}
    q = json.loads(json.dumps(q).replace('@DIR@', work))
    args = ['--blockdev', json.dumps(q)]

    def granules_of(blk):
        return {blk * 4096 // GRAN}

    try:
        images(work, size=size)
        server = serve()
        for cycle in range(cycles):
            d = start(args, prepare=lambda d: None)
            try:
                export(d).close()
                w = CrashWriter(os.path.join(d.dir, 'nbd.sock'), size,
                                rng.random())
                if rng.random() < 0.7:
                    time.sleep(rng.uniform(0.05, 0.4))
                    server.kill()
                    server.wait()
                    if rng.random() < 0.5:
                        time.sleep(rng.uniform(0.05, 0.4))
                        server = serve()    # a resync may start
                time.sleep(rng.uniform(0.05, 0.5))
                os.kill(d.proc.pid, signal.SIGKILL)
                d.proc.wait()
                w.stopping = True
                w.t.join()
            finally:
                d.stop()
            stats_out['writes'] += w.count
            unknown = set()
            if w.inflight is not None:
                unknown = granules_of(w.inflight)
            for blk, data in w.acked.items():
                model[blk] = {data}
            # The invariant, on the files as the kill left them.
            img = [open(os.path.join(work, 'img%d.raw' % i), 'rb').read()
                   for i in range(3)]
            bits = [read_dirty_file(dirty_path, 'children.%d' % i, nbits)
                    for i in range(3)]
            for g in range(nbits):
                if g in unknown:
                    continue
                sl = slice(g * GRAN, (g + 1) * GRAN)
                for i in range(3):
                    others = [img[j][sl] for j in range(3) if j != i]
                    if others[0] == others[1] and img[i][sl] != others[0] \
                            and g not in bits[i]:
                        raise AssertionError(
                            'cycle %d: replica %d differs in granule %d '
                            'but is marked clean' % (cycle, i, g))
            stats_out['stale-granules'] += len(bits[2])
            # Restart, resync whatever is dirty, read everything back.
            if server.poll() is not None:
                server = serve()
            with start(args, prepare=lambda d: None) as d:
                # The write on the wire may have reached only some
                # replicas: as a guest replaying its journal would, write
                # that block again (reads of it may fail until then).
                n = export(d)
                if w.inflight is not None:
                    data = rng.randbytes(4096)
                    n.write(w.inflight * 4096, data)
                    model[w.inflight] = {data}
                for i, c in enumerate(stats(d)['children']):
                    if c['dirty-bytes'] and c['resync'] == 'idle':
                        stats_out['resynced'] += c['dirty-bytes']
                        resync(d, job='r%d' % i, child='children.%d' % i)
                deadline = time.time() + 60
                while any(c['dirty-bytes'] for c in stats(d)['children']):
                    assert time.time() < deadline, stats(d)
                    time.sleep(0.1)
                for blk, vals in model.items():
                    assert n.read(blk * 4096, 4096) in vals, (cycle, blk)
                n.close()
            stats_out['cycles'] += 1
        print('crash loop: %(cycles)d cycles, %(writes)d acknowledged '
              'writes, %(stale-granules)d stale granules found marked, '
              '%(resynced)d bytes resynced' % stats_out)
    finally:
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(work)


def test_resync_copies_what_it_can_and_reports_the_rest():
    with start() as d:
        q = quorum_opts(fail_once=None)
        q['children'][2] = {'driver': 'raw', 'file': {
            'driver': 'blkdebug', 'image': {
                'driver': 'file', 'filename': '@DIR@/img2.raw'},
            'inject-error': [{'event': 'write_aio', 'errno': 5}]}}
        ok(d.c.cmd('blockdev-add', subst(d, q)))
        n = export(d)
        n.write(128 * KiB, b'\xab' * 4096)      # child 2 fails both
        n.write(512 * KiB, b'\xac' * 4096)
        assert dirty(d) == [0, 0, 2 * GRAN]
        # Child 1 goes bad where child 2 is stale: no majority there.
        with open(os.path.join(d.dir, 'img1.raw'), 'r+b') as f:
            f.seek(128 * KiB)
            f.write(b'\xff' * 4096)
        ok(d.c.cmd('x-quorum-resync', {'job-id': 'r', 'node-name': 'q',
                                       'child': 'children.2'}))
        ev = wait_job_gone(d, 'r')
        # No majority at 128k: skipped; the copy at 512k fails on child 2
        # itself: the job stops there, with both ranges still dirty.
        assert [e['event'] for e in ev] == ['BLOCK_JOB_ERROR',
                                            'BLOCK_JOB_COMPLETED'], ev
        assert ev[0]['data']['operation'] == 'write', ev
        assert ev[1]['data']['error'] == ("Resync of child 'children.2' "
                                          "failed at offset 524288: "
                                          "Input/output error"), ev
        assert dirty(d) == [0, 0, 2 * GRAN]


def test_resync_skips_ranges_without_majority():
    with start() as d:
        ok(d.c.cmd('blockdev-add', subst(d, quorum_opts())))
        n = export(d)
        n.write(128 * KiB, b'\xab' * 4096)      # child 2 misses it
        assert dirty(d) == [0, 0, GRAN]
        with open(os.path.join(d.dir, 'img1.raw'), 'r+b') as f:
            f.seek(128 * KiB)
            f.write(b'\xff' * 4096)
        ok(d.c.cmd('x-quorum-resync', {'job-id': 'r', 'node-name': 'q',
                                       'child': 'children.2'}))
        ev = wait_job_gone(d, 'r')
        assert [e['event'] for e in ev] == ['BLOCK_JOB_COMPLETED'], ev
        assert ev[0]['data']['error'] == (
            "Resync of child 'children.2' left 65536 bytes from offset "
            "131072 dirty: no majority to copy from"), ev
        assert dirty(d) == [0, 0, GRAN]


NBDKIT = '/usr/bin/nbdkit'


def slow_replica(work, delay):
    """Replica 2 behind nbdkit's delay filter (reads and writes)."""
    import subprocess
    if not os.path.exists(NBDKIT):
        raise Skip('%s not installed' % NBDKIT)
    sock = os.path.join(work, 'slow.sock')
    p = subprocess.Popen([NBDKIT, '-f', '-U', sock, '--filter=delay',
                          'file', os.path.join(work, 'img2.raw'),
                          'delay-read=%dms' % (delay * 1000),
                          'delay-write=%dms' % (delay * 1000)],
                         stderr=subprocess.DEVNULL)
    wait_socket(sock, p)
    return p, {'driver': 'nbd', 'server': {'type': 'unix', 'path': sock}}


class SlowQuorum:
    """A daemon exporting a quorum of two raw files and a replica at
    @delay s per request, with x-complete-at-threshold=on."""

    def __init__(self, delay):
        self.work = tempfile.mkdtemp(prefix='qsd-slow-')
        self.server = None
        images(self.work)
        self.server, slow = slow_replica(self.work, delay)
        q = quorum_opts(fail_once=None)
        q['children'][2] = slow
        q['x-complete-at-threshold'] = True
        q = json.loads(json.dumps(q).replace('@DIR@', self.work))
        self.d = start(['--blockdev', json.dumps(q)], prepare=lambda d: None)
        self.n = export(self.d)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.n.close()
        self.d.stop()
        self.server.kill()
        self.server.wait()
        shutil.rmtree(self.work)


def test_complete_at_threshold_with_a_slow_replica():
    """x-complete-at-threshold=on: with replica 2 at 1 s per request,
    writes, reads and flushes end when the two fast replicas have
    answered; replica 2's ranges are dirty until its writes land, and
    it ends byte-identical."""
    with SlowQuorum(1) as sq:
        d, n = sq.d, sq.n
        t0 = time.time()
        for i in range(5):
            n.write(i * 128 * KiB, bytes([i + 1]) * 4096)
        n.flush()
        assert n.read(0, 4096) == b'\x01' * 4096
        fast = time.time() - t0
        assert fast < 2.5, fast     # 7 requests; 7 s if they waited
        c2 = stats(d)['children'][2]
        assert c2['dirty-bytes'] == 5 * GRAN, c2
        assert c2['lagged-writes'] == 5, c2
        # The late writes land (nbdkit serves them one after another).
        deadline = time.time() + 30
        while stats(d)['children'][2]['dirty-bytes']:
            assert time.time() < deadline, stats(d)
            time.sleep(0.2)
        assert same_files_in(sq.work)


def test_complete_at_threshold_overtaken_write_stays_dirty():
    """A second write to the same granule before the first landed on the
    slow replica: the granule stays dirty until a resync, which makes the
    replica identical."""
    with SlowQuorum(0.5) as sq:
        d, n = sq.d, sq.n
        n.write(0, b'\x01' * 4096)
        n.write(0, b'\x02' * 4096)
        time.sleep(2)                   # both have landed
        assert stats(d)['children'][2]['dirty-bytes'] == GRAN
        assert n.read(0, 4096) == b'\x02' * 4096
        resync(d)
        assert same_files_in(sq.work)
        assert dirty(d) == [0, 0, 0]


def flaky_child(i, event, times):
    """Child @i on blkdebug failing the first @times @event requests."""
    c = child(i)
    c['file'] = {'driver': 'blkdebug', 'image': c['file'],
                 'inject-error': [{'event': event, 'errno': 5, 'once': True}
                                  for _ in range(times)]}
    return c


def quorum_events(d):
    d.c.cmd('query-version')        # events come before the answer
    ev = [e for e in d.c.events if e['event'].startswith('QUORUM')]
    d.c.events = []
    return ev


def test_self_heal_retries_and_resyncs():
    """x-self-heal: an error the retry gets past raises no event and
    counts in healed-errors; a write that fails twice leaves the child
    dirty, and a resync starts by itself and cleans it."""
    with start() as d:
        q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
             'x-self-heal': True,
             'children': [flaky_child(0, 'read_aio', 1),
                          flaky_child(1, 'write_aio', 1),
                          flaky_child(2, 'write_aio', 2)]}
        ok(d.c.cmd('blockdev-add', subst(d, q)))
        n = export(d)
        d.c.events = []
        # Child 1's retry takes the write; child 2 fails it twice.
        n.write(64 * KiB, b'\x5a' * 4096)
        ev = quorum_events(d)
        assert [(e['event'], e['data']['node-name'] if 'node-name' in
                 e['data'] else None) for e in ev] == \
            [('QUORUM_REPORT_BAD', stats(d)['children'][2]['node-name'])], ev
        c = stats(d)['children']
        assert [x['healed-errors'] for x in c[1:]] == [1, 0], c
        assert [x['write-errors'] for x in c] == [0, 0, 1], c
        # The resync the write started copies the range into child 2.
        # Its read through the quorum meets child 0's error: retried, no
        # event.
        deadline = time.time() + 10
        while dirty(d) != [0, 0, 0] and time.time() < deadline:
            time.sleep(0.05)
        assert dirty(d) == [0, 0, 0], stats(d)
        c = stats(d)['children']
        assert c[2]['resynced-bytes'] == GRAN, c
        assert c[0]['healed-errors'] == 1 and c[0]['read-errors'] == 0, c
        assert quorum_events(d) == []
        n.flush()
        assert same_files(d)
        assert n.read(64 * KiB, 4096) == b'\x5a' * 4096
