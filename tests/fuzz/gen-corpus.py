#!/usr/bin/env python3
"""Write the seed corpora of fuzz-qmp, fuzz-block-open and
fuzz-blkdebug-config (fuzz-nbd-server's comes from gen-nbd-corpus.py):
small valid inputs covering each command, driver and section, plus a
few broken ones.  Regression inputs for fixed bugs are added by hand
(crash-*, leak-*, timeout-*) and are not touched here.  Also the
libFuzzer dictionaries qmp.dict and block-open.dict next to the corpus
directory: every lower-case name of the QAPI schema (commands, members,
enum values), as a JSON string and as a key.

    tests/fuzz/gen-corpus.py tests/fuzz/corpus
"""
import glob
import json
import os
import re
import sys

CAPS = {'execute': 'qmp_capabilities'}


def ex(cmd, **args):
    req = {'execute': cmd}
    if args:
        req['arguments'] = args
    return req


def null(name, size=1048576, **kw):
    return ex('blockdev-add', driver='null-co', **{'node-name': name},
              size=size, **kw)


QUORUM = ex('blockdev-add', **{
    'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
    'children': [{'driver': 'null-co', 'size': 65536, 'read-zeroes': True,
                  'node-name': 'c%d' % i} for i in range(3)]})

QMP = {
    'caps-query': [CAPS, ex('query-version'), ex('query-commands'),
                   ex('query-named-block-nodes'), ex('quit')],
    'no-caps': [ex('query-version'), {'execute': 'qmp_capabilities',
                                      'arguments': {'enable': ['oob']}},
                {'exec-oob': 'query-version', 'id': 1}],
    'blockdev': [CAPS, null('n0'), null('n1', size=4096),
                 ex('blockdev-add', driver='raw', **{'node-name': 'r'},
                    file='n0', offset=512, size=1024),
                 ex('blockdev-add', driver='blkdebug', **{'node-name': 'b'},
                    image='n1', **{'inject-error': [
                        {'event': 'read_aio', 'errno': 5, 'once': True}]}),
                 ex('query-named-block-nodes', flat=True),
                 ex('blockdev-del', **{'node-name': 'n0'}),
                 ex('blockdev-del', **{'node-name': 'r'}),
                 ex('blockdev-del', **{'node-name': 'n0'})],
    'quorum': [CAPS, QUORUM, ex('x-query-quorum', **{'node-name': 'q'}),
               null('c3', size=65536),
               ex('x-blockdev-change', parent='q', node='c3'),
               ex('x-blockdev-change', parent='q', child='children.0'),
               ex('query-named-block-nodes')],
    'reopen': [CAPS, null('n0'),
               ex('blockdev-add', driver='raw', **{'node-name': 'r'},
                  file='n0'),
               ex('blockdev-reopen', options=[
                   {'driver': 'raw', 'node-name': 'r', 'file': 'n0',
                    'read-only': True, 'offset': 4096}]),
               ex('blockdev-reopen', options=[])],
    'export': [CAPS, null('n0'),
               ex('block-export-add', type='nbd', id='e0',
                  **{'node-name': 'n0', 'writable': True}),
               ex('nbd-server-add', device='n0', name='x'),
               ex('query-block-exports'),
               ex('nbd-server-remove', name='x', mode='hard'),
               ex('block-export-del', id='e0'),
               ex('nbd-server-stop'),
               ex('nbd-server-start', addr={'type': 'inet', 'data': {
                   'host': '127.0.0.1', 'port': '10809'}})],
    'mirror': [CAPS, QUORUM, null('tgt', size=65536),
               ex('blockdev-mirror', **{'job-id': 'j1'}, device='q',
                  target='tgt', sync='full', speed=65536),
               ex('query-jobs'), ex('query-block-jobs'),
               ex('job-pause', id='j1'), ex('job-resume', id='j1'),
               ex('block-job-set-speed', device='j1', speed=0),
               ex('job-complete', id='j1'), ex('block-job-cancel',
                                               device='j1', force=True),
               ex('job-dismiss', id='j1')],
    'resync': [CAPS, ex('blockdev-add', **{
        'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
        'dirty-granularity': 4096, 'x-complete-at-threshold': True,
        'children': [
            {'driver': 'null-co', 'size': 65536, 'node-name': 'c0'},
            {'driver': 'null-co', 'size': 65536, 'node-name': 'c1'},
            {'driver': 'blkdebug', 'node-name': 'c2',
             'image': {'driver': 'null-co', 'size': 65536},
             'inject-error': [{'event': 'write_aio', 'errno': 5}]}]}),
               null('src', size=65536, **{'read-zeroes': True}),
               ex('blockdev-mirror', **{'job-id': 'm'}, device='src',
                  target='q', sync='full'),
               ex('job-complete', id='m'),
               ex('x-query-quorum', **{'node-name': 'q'}),
               ex('x-quorum-resync', **{'job-id': 'r', 'node-name': 'q'},
                  child='children.2', speed=1048576),
               ex('query-jobs'),
               null('c3', size=65536),
               ex('x-blockdev-change', parent='q', node='c3', sync='full'),
               ex('x-blockdev-change', parent='q', child='children.0'),
               ex('x-blockdev-change', parent='q', node='c0',
                  sync='dirty-bitmap-file'),
               ex('x-query-quorum', **{'node-name': 'q'})],
    'scrub': [CAPS, ex('blockdev-add', **{
        'driver': 'quorum', 'node-name': 'q', 'vote-threshold': 2,
        'vote-granularity': 4096, 'read-pattern': 'round-robin',
        'rewrite-corrupted': True,
        'children': [
            {'driver': 'null-co', 'size': 65536, 'read-zeroes': True,
             'node-name': 'c0'},
            {'driver': 'null-co', 'size': 65536, 'node-name': 'c1'},
            {'driver': 'blkdebug', 'node-name': 'c2',
             'image': {'driver': 'null-co', 'size': 65536,
                       'read-zeroes': True},
             'inject-error': [{'event': 'read_aio', 'errno': 5,
                               'once': True}]}]}),
              ex('x-quorum-scrub', **{'job-id': 's', 'node-name': 'q'},
                 repair=True, speed=65536),
              ex('job-pause', id='s'), ex('job-resume', id='s'),
              ex('x-query-quorum', **{'node-name': 'q'}),
              ex('x-quorum-scrub', **{'job-id': 's2', 'node-name': 'q'},
                 resume=True),
              ex('block-job-cancel', device='s'),
              ex('query-jobs')],
    'drive-mirror': [CAPS, null('src', size=65536),
                     ex('drive-mirror', device='src', target='t.raw',
                        format='raw', sync='full', mode='absolute-paths')],
}

# Raw text: framing and parse errors.
QMP_RAW = {
    'parse-errors': b'{"execute": "qmp_capabilities"}\n{"a": [1, 2,\n}]\n'
                    b'\xff\xfe{"execute": 1}\n[]\n"x"\n{"execute": "x", '
                    b'"id": {"a": [null, true, 1.5e300]}}\n{\'a\': 1}\n',
    'nesting': b'{"execute": "qmp_capabilities"}\n' + b'[' * 1100 +
               b']' * 1100 + b'\n',
    'unicode': '{"execute": "qmp_capabilities", "id": "\\u00e9\\ud83d\\ude00'
               '\\u0000"}\n'.encode(),
}

BLOCK_OPEN = {
    'null-co-prefix': 'null-co://\n\nread-only=on',
    'null-aio-opts': '\ndriver=null-aio,size=1M,read-zeroes=on,latency-ns=10',
    'json-null': 'json:{"driver": "null-co", "size": 4096, '
                 '"read-zeroes": true}',
    'json-raw': 'json:{"driver": "raw", "offset": 512, "size": 1024, '
                '"file": {"driver": "null-co"}}\n\ncache.direct=off',
    'json-quorum': 'json:{"driver": "quorum", "vote-threshold": 2, '
                   '"children": [{"driver": "null-co"}, '
                   '{"driver": "null-co"}, {"driver": "null-co"}]}',
    'quorum-opts': '\ndriver=quorum,vote-threshold=2,read-pattern=fifo,'
                   'children.0.driver=null-co,children.1.driver=null-co,'
                   'children.2.driver=null-co,rewrite-corrupted=on',
    'quorum-vote-granularity': '\ndriver=quorum,vote-threshold=2,'
                               'vote-granularity=4096,'
                               'read-pattern=round-robin,'
                               'rewrite-corrupted=on,'
                               'x-complete-at-threshold=on,'
                               'dirty-granularity=65536,'
                               'children.0.driver=null-co,'
                               'children.0.read-zeroes=on,'
                               'children.1.driver=null-co,'
                               'children.2.driver=null-co,'
                               'children.2.read-zeroes=on',
    'blkdebug-prefix': 'blkdebug::null-co://\n'
                       'inject-error.0.event=read_aio,inject-error.0.once=on',
    'blkdebug-opts': '\ndriver=blkdebug,image.driver=null-co,align=4096,'
                     'set-state.0.event=read_aio,set-state.0.new_state=2',
    'raw-merge': 'json:{"file": {"driver": "null-co", "size": 8192}}\n'
                 'driver=raw,file.read-zeroes=on,node-name=x\n'
                 'read-only=on,file.cache.no-flush=on',
    'file-refused': 'json:{"driver": "file", "filename": "/dev/zero"}\n'
                    'file.locking=off',
    'nbd-refused': 'nbd+unix:///x?socket=/tmp/s\n',
    'flags': '\ndriver=null-co,read-zeroes,noaio,size=1k,id=a',
    'bad-json': 'json:{"driver": "null-co", "size": [1, {"a": }]}',
}

BLKDEBUG = {
    'inject': b'[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
              b'sector = "0"\nonce = "on"\n\0\0\x03\x00\x00\x00\x03\x00'
              b'\x01\x00',
    'set-state': b'[set-state]\nevent = "read_aio"\nstate = "1"\n'
                 b'new_state = "2"\n\n[inject-error "x"]\n'
                 b'event = "write_aio"\nstate = "2"\niotype = "write"\n'
                 b'immediately = "on"\n# comment\n\0\0\x03\x01\x05\x01',
    'inline': b'\0inject-error.0.event=flush_to_disk,inject-error.0.errno=28,'
              b'inject-error.1.event=read_aio,set-state.event=read_aio,'
              b'set-state.new_state=3\0\x10\x04\x03\x00\x83\x00\x43\x00',
    'errors': b'[inject-error]\nevent = "nope"\n',
    'no-group': b'event = "read_aio"\n[nope]\n',
}


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def schema_names():
    """Lower-case names of qapi/*.json (CamelCase type names left out)."""
    here = os.path.dirname(os.path.abspath(__file__))
    names = set()
    for path in glob.glob(os.path.join(here, '..', '..', 'qapi', '*.json')):
        with open(path) as f:
            text = re.sub(r'(?m)^\s*#.*$', '', f.read())
        for m in re.finditer(r"'\*?([a-z][a-z0-9_-]*)'", text):
            names.add(m.group(1))
    return sorted(names)


def write_dict(path, entries):
    with open(path, 'w') as f:
        f.write('# libFuzzer dictionary, written by tests/fuzz/gen-corpus.py\n')
        for e in entries:
            f.write('"%s"\n' % e.replace('\\', '\\\\').replace('"', '\\"'))


def main():
    top = sys.argv[1]
    names = schema_names()
    write_dict(os.path.join(top, '..', 'qmp.dict'),
               ['"%s"' % n for n in names] + ['"execute"', '"arguments"',
                                              '"exec-oob"', '"id"'])
    write_dict(os.path.join(top, '..', 'block-open.dict'),
               [n + '=' for n in names] + ['json:', 'null-co://',
                                           'null-aio://', 'blkdebug:'])
    for target, cases in (('qmp', None), ('block-open', BLOCK_OPEN),
                          ('blkdebug-config', BLKDEBUG)):
        os.makedirs(os.path.join(top, target), exist_ok=True)
    for name, reqs in QMP.items():
        write(os.path.join(top, 'qmp', name + '.json'),
              ''.join(json.dumps(r) + '\n' for r in reqs).encode())
    for name, data in QMP_RAW.items():
        write(os.path.join(top, 'qmp', name + '.json'), data)
    for name, text in BLOCK_OPEN.items():
        write(os.path.join(top, 'block-open', name + '.txt'), text.encode())
    for name, data in BLKDEBUG.items():
        write(os.path.join(top, 'blkdebug-config', name + '.bin'), data)


if __name__ == '__main__':
    main()
