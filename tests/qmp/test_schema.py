"""Dispatch, validation and docs/qmp.md follow qapi/*.json."""
import importlib.util
import json
import os
import subprocess
import sys
from qmplib import Daemon, OURS, ROOT

GEN = os.path.join(ROOT, 'scripts', 'qapi-gen.py')
SCHEMA = os.path.join(ROOT, 'qapi', 'qapi-schema.json')


def schema():
    out = subprocess.check_output([sys.executable, GEN, 'json', SCHEMA])
    return json.loads(out)


def test_docs_are_generated_from_schema():
    doc = subprocess.check_output([sys.executable, GEN, 'doc', SCHEMA])
    with open(os.path.join(ROOT, 'docs', 'qmp.md'), 'rb') as f:
        assert f.read() == doc, 'docs/qmp.md is stale: run ' \
            'scripts/qapi-gen.py doc qapi/qapi-schema.json docs/qmp.md'


def test_commands_match_schema():
    s = schema()
    names = {c['command'] for c in s['commands']}
    with Daemon(OURS) as d:
        listed = {c['name'] for c in d.c.cmd('query-commands')['return']}
    assert listed == names, (listed ^ names)


def test_validation_follows_schema():
    """Each command: an unknown member is refused, and so is the lack of
    its first required member, with QEMU's texts."""
    s = schema()
    with Daemon(OURS) as d:
        for c in s['commands']:
            name = c['command']
            if name in ('quit', 'qmp_capabilities'):
                continue
            r = d.c.cmd(name, {'zzz-unknown': 1, 'driver': 'null-co',
                               'node-name': 'n-' + name})
            data = c.get('data') or {}
            if isinstance(data, str):
                data = {}
            required = [k for k in data if not k.startswith('*')]
            if required:
                want = "Parameter '%s' is missing" % required[0]
                r = d.c.cmd(name, {})
                assert r['error']['desc'] == want, (name, r)
                args = {k: 'x' for k in required}
                r = d.c.cmd(name, dict(args, **{'zzz-unknown': 1}))
                if all(data[k] == 'str' for k in required):
                    assert r['error']['desc'] == \
                        "Parameter 'zzz-unknown' is unexpected", (name, r)
            elif not c.get('boxed'):
                assert r['error']['desc'] == \
                    "Parameter 'zzz-unknown' is unexpected", (name, r)


def test_event_members_match_schema():
    s = schema()
    ev = {e['event']: e['data'] for e in s['events']}
    # Events are built where they are raised: the block events, the
    # block job events and the job core.
    src = ''.join(open(os.path.join(ROOT, f)).read()
                  for f in ('block/qapi-events.c', 'blockjob.c', 'job.c'))
    for name, data in ev.items():
        assert name in src, name
        for m in data:
            assert '"%s"' % m.lstrip('*') in src, (name, m)
