#!/usr/bin/env python3
"""Request latency with one slow replica: ours against QEMU 7.2.

A quorum of three raw files (vote-threshold 2), exported over NBD by each
daemon; replica 2 is served by nbdkit's delay filter (DELAY seconds per
read and write, default 1).  A client does 4 KiB writes, 4 KiB reads
and flushes one at a time, and the script prints p50 and p99 of each
for Debian's qemu-storage-daemon, ours as QEMU does it, and ours with
x-complete-at-threshold=on.  A measurement, not a test: it exits 0.

  scripts/bench-slow-replica.py [BUILD_DIR]
Environment: DELAY (s, default 1), COUNT (requests of each kind, 10),
QSD (the reference daemon, /usr/bin/qemu-storage-daemon).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'qmp'))
import qmplib  # noqa: E402

MiB = 1 << 20


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def run(binary, early, delay, count):
    work = tempfile.mkdtemp(prefix='bench-slow-')
    slow = None
    try:
        for i in range(3):
            with open(os.path.join(work, 'img%d.raw' % i), 'wb') as f:
                f.write(b'\0' * (16 * MiB))
        sock = os.path.join(work, 'slow.sock')
        slow = subprocess.Popen(
            ['nbdkit', '-f', '-U', sock, '--filter=delay', 'file',
             os.path.join(work, 'img2.raw'),
             'delay-read=%dms' % (delay * 1000),
             'delay-write=%dms' % (delay * 1000)],
            stderr=subprocess.DEVNULL)
        while not os.path.exists(sock):
            time.sleep(0.02)
        children = [{'driver': 'raw', 'file': {
            'driver': 'file', 'filename': os.path.join(work, 'img%d.raw' % i),
            'aio': 'threads'}} for i in range(2)]
        children.append({'driver': 'nbd', 'server': {'type': 'unix',
                                                      'path': sock}})
        q = {'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
             'children': children}
        if early:
            q['x-complete-at-threshold'] = True
        nbd_sock = os.path.join(work, 'nbd.sock')
        d = qmplib.Daemon(binary, [
            '--blockdev', json.dumps(q),
            '--nbd-server', 'addr.type=unix,addr.path=%s' % nbd_sock,
            '--export', 'type=nbd,id=e,node-name=q,writable=on'])
        try:
            n = qmplib.Nbd(nbd_sock, 'q')
            lat = {'write': [], 'read': [], 'flush': []}
            for i in range(count):
                for kind in ('write', 'read', 'flush'):
                    t = time.monotonic()
                    if kind == 'write':
                        n.write(i * 64 * 1024, bytes([i % 250 + 1]) * 4096)
                    elif kind == 'read':
                        n.read(i * 64 * 1024, 4096)
                    else:
                        n.flush()
                    lat[kind].append(time.monotonic() - t)
            n.close()
        finally:
            d.stop()
        return lat
    finally:
        if slow:
            slow.kill()
            slow.wait()
        shutil.rmtree(work)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    ours = os.path.join(build, 'qemu-storage-daemon')
    ref = os.environ.get('QSD', '/usr/bin/qemu-storage-daemon')
    delay = float(os.environ.get('DELAY', '1'))
    count = int(os.environ.get('COUNT', '10'))
    if not shutil.which('nbdkit') or not os.path.exists(ref):
        print('bench-slow-replica: nbdkit or %s missing' % ref)
        return 0
    rows = [('QEMU 7.2', ref, False), ('ours', ours, False),
            ('ours, x-complete-at-threshold', ours, True)]
    print('one replica of three at %g s per read and write; %d requests '
          'of each kind, QD1' % (delay, count))
    print('%-32s %-6s %10s %10s' % ('daemon', 'op', 'p50 ms', 'p99 ms'))
    for name, binary, early in rows:
        lat = run(binary, early, delay, count)
        for kind in ('write', 'read', 'flush'):
            print('%-32s %-6s %10.1f %10.1f' % (
                name, kind, pct(lat[kind], 50) * 1000,
                pct(lat[kind], 99) * 1000))
    return 0


if __name__ == '__main__':
    sys.exit(main())
