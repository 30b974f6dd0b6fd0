#!/usr/bin/env python3
"""Turn qapi/*.json (QEMU's QAPI schema syntax) into the C tables that
drive QMP dispatch and argument validation, and into docs/qmp.md.

    qapi-gen.py c SCHEMA OUT.c      C type/command/event tables
    qapi-gen.py doc SCHEMA OUT.md   the protocol reference
    qapi-gen.py json SCHEMA         normalized schema (tests)
"""
import ast
import json
import os
import re
import sys

BUILTINS = {
    'str': 'STR', 'bool': 'BOOL', 'number': 'NUMBER', 'any': 'ANY',
    'null': 'NULL', 'int': 'INT', 'int8': 'INT', 'int16': 'INT',
    'int32': 'INT', 'int64': 'INT', 'uint8': 'UINT', 'uint16': 'UINT',
    'uint32': 'UINT', 'uint64': 'UINT', 'size': 'SIZE',
}
RANGES = {
    'int': ('INT64_MIN', 'INT64_MAX'), 'int64': ('INT64_MIN', 'INT64_MAX'),
    'int8': ('INT8_MIN', 'INT8_MAX'), 'int16': ('INT16_MIN', 'INT16_MAX'),
    'int32': ('INT32_MIN', 'INT32_MAX'), 'uint8': ('0', 'UINT8_MAX'),
    'uint16': ('0', 'UINT16_MAX'), 'uint32': ('0', 'UINT32_MAX'),
}


def split_exprs(text):
    """Yield (doc, expr-text) for each top-level {...} in @text."""
    i, n, doc = 0, len(text), []
    while i < n:
        c = text[i]
        if c == '#':
            end = text.find('\n', i)
            end = n if end < 0 else end
            line = text[i:end]
            doc.append(line.rstrip())
            i = end + 1
        elif c == '{':
            depth, j, quote = 0, i, None
            while j < n:
                ch = text[j]
                if quote:
                    if ch == quote:
                        quote = None
                elif ch in '\'"':
                    quote = ch
                elif ch == '{':
                    depth += 1
                elif ch == '}':
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            marks = [k for k, l in enumerate(doc) if l == '##']
            yield (doc[marks[-2]:marks[-1] + 1] if len(marks) >= 2 else []), \
                text[i:j + 1]
            doc = []
            i = j + 1
        else:
            if not c.isspace():
                raise SystemExit('qapi: stray %r' % c)
            i += 1


def parse_doc(lines):
    """'##' block -> (name, description, {member: text})."""
    body = [l[1:].strip() if l.startswith('# ') or l == '#' else l
            for l in lines if l != '##']
    body = [l[1:].strip() if l.startswith('#') and l != '##' else l
            for l in body]
    name, text, members, cur = None, [], {}, None
    for l in body:
        m = re.match(r'@([\w-]+):\s*(.*)', l)
        if m and name is None:
            name = m.group(1)
        elif m:
            cur = m.group(1)
            members[cur] = m.group(2)
        elif cur and l:
            members[cur] += ' ' + l
        elif l:
            text.append(l)
        else:
            cur = None
    return name, ' '.join(text), members


def load(path, seen=None, out=None):
    seen = set() if seen is None else seen
    out = [] if out is None else out
    path = os.path.normpath(path)
    if path in seen:
        return out
    seen.add(path)
    with open(path) as f:
        text = f.read()
    for doc, src in split_exprs(text):
        src = re.sub(r'\btrue\b', 'True', re.sub(r'\bfalse\b', 'False', src))
        expr = ast.literal_eval(src)
        if 'include' in expr:
            load(os.path.join(os.path.dirname(path), expr['include']),
                 seen, out)
            continue
        expr['_doc'] = parse_doc(doc) if doc else (None, '', {})
        out.append(expr)
    return out


class Schema:
    def __init__(self, path):
        self.exprs = load(path)
        self.types = {}
        self.commands = []
        self.events = []
        for e in self.exprs:
            for kind in ('enum', 'struct', 'union', 'alternate'):
                if kind in e:
                    e['_kind'] = kind
                    self.types[e[kind]] = e
            if 'command' in e:
                self.commands.append(e)
            if 'event' in e:
                self.events.append(e)
        self.check()

    def check(self):
        for e in self.exprs:
            name = e.get(e.get('_kind', 'command' if 'command' in e
                                else 'event'))
            if e['_doc'][0] != name:
                raise SystemExit('qapi: %s lacks its doc comment' % name)
            limit = e.get('rate-limit')
            if limit is not None:
                key = limit.get('key') if isinstance(limit, dict) else 0
                if 'event' not in e or set(limit) - {'key'} or \
                        (key is not None and key not in e.get('data', {})):
                    raise SystemExit('qapi: %s: bad rate-limit %r' %
                                     (name, limit))
        for e in self.exprs:
            for t in self.referenced(e):
                if t not in BUILTINS and t not in self.types:
                    raise SystemExit('qapi: unknown type %s' % t)

    def referenced(self, e):
        def walk(v):
            if isinstance(v, list):
                yield from walk(v[0])
            elif isinstance(v, dict):
                for x in v.values():
                    yield from walk(x)
            elif isinstance(v, str):
                yield v
        for key in ('data', 'returns', 'base'):
            if key in e and e.get('_kind') != 'enum':
                yield from walk(e[key])

    def members(self, e):
        """Own members plus base members first: [(name, type, optional)]."""
        out = []
        base = e.get('base')
        if isinstance(base, str):
            out += self.members(self.types[base])
        elif isinstance(base, dict):
            out += self.dict_members(base)
        if e.get('_kind') == 'struct' and isinstance(e.get('data'), dict):
            out += self.dict_members(e['data'])
        return out

    @staticmethod
    def dict_members(d):
        return [(k.lstrip('*'), v, k.startswith('*')) for k, v in d.items()]


def cname(t):
    if isinstance(t, list):
        return cname(t[0]) + 'List'
    return re.sub(r'[^A-Za-z0-9_]', '_', t)


def gen_c(s):
    out = ['/* Generated by scripts/qapi-gen.py from the qapi/ schema: do not edit. */',
           '#include "qemu/osdep.h"', '#include "monitor/qapi-schema.h"', '']
    decls, defs, lists = [], [], set()

    def tref(t):
        if isinstance(t, list):
            lists.add(t[0] if isinstance(t[0], str) else None)
            return '&qt_%sList' % cname(t[0])
        return '&qt_%s' % cname(t)

    def members_array(name, members):
        defs.append('static const QAPIMember qm_%s[] = {' % name)
        for m, t, opt in members:
            defs.append('    { "%s", %s, %s },' % (m, tref(t),
                                                 'true' if opt else 'false'))
        defs.append('    { NULL } };')
        return 'qm_%s' % name

    for b, kind in BUILTINS.items():
        lo, hi = RANGES.get(b, ('0', 'UINT64_MAX' if kind == 'UINT' else '0'))
        if kind == 'UINT' and b != 'uint64':
            lo, hi = RANGES[b]
        defs.append('static const QAPIType qt_%s = { "%s", QAPI_KIND_%s, '
                    '.min = %s, .max = %s, .c_name = "%s" };' %
                    (b, b, kind, lo, hi,
                     b + '_t' if b[-1].isdigit() and b != 'int' else b))
    for name, e in s.types.items():
        c = cname(name)
        decls.append('static const QAPIType qt_%s;' % c)
        k = e['_kind']
        if k == 'enum':
            defs.append('static const char *const qe_%s[] = { %s, NULL };' %
                        (c, ', '.join('"%s"' % v for v in e['data'])))
            defs.append('static const QAPIType qt_%s = { "%s", QAPI_KIND_ENUM, '
                        '.enum_values = qe_%s };' % (c, name, c))
        elif k == 'struct':
            m = members_array(c, s.members(e))
            defs.append('static const QAPIType qt_%s = { "%s", '
                        'QAPI_KIND_STRUCT, .members = %s };' % (c, name, m))
        elif k == 'union':
            m = members_array(c, s.members(e))
            defs.append('static const QAPIVariant qv_%s[] = {' % c)
            for v, t in e['data'].items():
                defs.append('    { "%s", %s },' % (v, tref(t)))
            defs.append('    { NULL } };')
            defs.append('static const QAPIType qt_%s = { "%s", QAPI_KIND_UNION, '
                        '.members = %s, .discriminator = "%s", .variants = qv_%s };'
                        % (c, name, m, e['discriminator'], c))
        elif k == 'alternate':
            defs.append('static const QAPIVariant qv_%s[] = {' % c)
            for v, t in e['data'].items():
                defs.append('    { "%s", %s },' % (v, tref(t)))
            defs.append('    { NULL } };')
            defs.append('static const QAPIType qt_%s = { "%s", '
                        'QAPI_KIND_ALTERNATE, .variants = qv_%s };' %
                        (c, name, c))
    cmd_rows, ev_rows = [], []
    for e in s.commands:
        name, data = e['command'], e.get('data')
        if isinstance(data, dict):
            c = 'q_obj_%s_arg' % cname(name)
            decls.append('static const QAPIType qt_%s;' % c)
            m = members_array(c, s.dict_members(data))
            defs.append('static const QAPIType qt_%s = { "%s", '
                        'QAPI_KIND_STRUCT, .members = %s };' % (c, c, m))
            args = '&qt_%s' % c
        else:
            args = tref(data) if data else 'NULL'
        ret = e.get('returns')
        cmd_rows.append('    { "%s", %s, %s },' % (
            name, args, tref(ret) if ret else 'NULL'))
    for e in s.events:
        c = 'q_obj_%s_data' % cname(e['event'])
        decls.append('static const QAPIType qt_%s;' % c)
        m = members_array(c, s.dict_members(e.get('data', {})))
        defs.append('static const QAPIType qt_%s = { "%s", QAPI_KIND_STRUCT, '
                    '.members = %s };' % (c, c, m))
        limit = e.get('rate-limit')
        key = limit.get('key') if limit is not None else None
        ev_rows.append('    { "%s", &qt_%s, %s, %s },' % (
            e['event'], c, 'false' if limit is None else 'true',
            '"%s"' % key if key else 'NULL'))
    for t in sorted(x for x in lists if x):
        decls.append('static const QAPIType qt_%sList;' % cname(t))
        defs.append('static const QAPIType qt_%sList = { "%sList", '
                    'QAPI_KIND_LIST, .element = &qt_%s };' %
                    (cname(t), t, cname(t)))
    out += decls + [''] + defs + ['']
    out.append('const QAPICommandSchema qapi_command_schemas[] = {')
    out += cmd_rows + ['    { NULL } };', '']
    out.append('const QAPIEventSchema qapi_event_schemas[] = {')
    out += ev_rows + ['    { NULL } };', '']
    # Named types, for options that are not command arguments (--nbd-server).
    out.append('const QAPINamedType qapi_named_types[] = {')
    out += ['    { "%s", &qt_%s },' % (n, cname(n)) for n in sorted(s.types)]
    out += ['    { NULL } };', '']
    text = '\n'.join(out) + '\n'
    # Not every builtin is used by every schema.
    return text.replace('static const QAPIType qt_',
                        'G_GNUC_UNUSED static const QAPIType qt_')


def fmt_type(t):
    return '[%s]' % fmt_type(t[0]) if isinstance(t, list) else t


def gen_doc(s):
    out = ['# QMP reference of qemu-storage-daemon', '',
           '<!-- Generated by scripts/qapi-gen.py from qapi/*.json; '
           'tests/qmp checks that it is current. -->', '',
           'The wire protocol is QEMU\'s: see the greeting, '
           '`qmp_capabilities`, and the error classes below.', '',
           '## Protocol', '',
           '- On connect the daemon sends `{"QMP": {"version": ..., '
           '"capabilities": ["oob"]}}`.',
           '- Until `qmp_capabilities` succeeds every other command fails with '
           'class `CommandNotFound` and no events are sent.',
           '- A request is `{"execute": NAME, "arguments": {...}, "id": ANY}`; '
           'the reply is `{"return": ...}` or `{"error": {"class": ..., '
           '"desc": ...}}`, with `id` copied.',
           '- Events are `{"timestamp": {"seconds": S, "microseconds": U}, '
           '"event": NAME, "data": {...}}`.',
           '- Lines end in `\\r\\n`.', '',
           '## Differences from QEMU 7.2', '',
           '- Only the commands, drivers and types below exist; '
           '`query-commands` lists only them.',
           '- Our version in the greeting and `query-version`; '
           'generated node names count up (`#block001`) instead of '
           'carrying random digits.',
           '- JSON values are parsed by jansson after QEMU-exact framing: '
           'a few parser texts differ (bad `\\u` escapes, lone surrogates).',
           '- `x-query-quorum` is ours.',
           '- Rate limits are declared in the schema (`rate-limit`, shown '
           'under each event) instead of in the monitor\'s code; they are '
           'QEMU\'s: one event per second, the first of a quiet period at '
           'once, the newest of the rest when the second ends.',
           '- One client per monitor socket at a time, as QEMU; further '
           'clients wait in the backlog.', '']
    for title, items in (('Commands', s.commands), ('Events', s.events),
                         ('Types', [s.types[k] for k in s.types])):
        out += ['## ' + title, '']
        for e in items:
            name, text, members = e['_doc']
            out += ['### `%s`' % name, '']
            if text:
                out += [text, '']
            rows = []
            data = e.get('data')
            if e.get('_kind') == 'enum':
                rows = [('`%s`' % v, '', members.get(v, '')) for v in data]
            elif e.get('_kind') == 'alternate':
                rows = [('`%s`' % k, fmt_type(v), members.get(k, ''))
                        for k, v in data.items()]
            elif e.get('_kind') in ('struct', 'union'):
                rows = [('`%s`%s' % (m, ' (optional)' if o else ''),
                         fmt_type(t), members.get(m, ''))
                        for m, t, o in s.members(e)]
                if e.get('_kind') == 'union':
                    rows += [('when `%s` is `%s`' % (e['discriminator'], k),
                              v, 'its members') for k, v in data.items()]
            elif isinstance(data, dict):
                rows = [('`%s`%s' % (m, ' (optional)' if o else ''),
                         fmt_type(t), members.get(m, ''))
                        for m, t, o in s.dict_members(data)]
            elif isinstance(data, str):
                out += ['Arguments: the members of `%s`.' % data, '']
            if rows:
                out += ['| member | type | meaning |', '| --- | --- | --- |']
                out += ['| %s | %s | %s |' % r for r in rows]
                out.append('')
            if e.get('returns'):
                out += ['Returns: `%s`.' % fmt_type(e['returns']), '']
            if 'rate-limit' in e:
                key = e['rate-limit'].get('key')
                out += ['Rate limited: one per second%s.' %
                        (' per `%s`' % key if key else
                         ' (one limit for every event of this name)'), '']
            if 'unstable' in e.get('features', []):
                out += ['Unstable (x- prefix).', '']
    return '\n'.join(out)


def main():
    mode, schema = sys.argv[1], Schema(sys.argv[2])
    if mode == 'c':
        text = gen_c(schema)
    elif mode == 'doc':
        text = gen_doc(schema)
    else:
        text = json.dumps({'commands': schema.commands,
                           'events': schema.events,
                           'types': schema.types}, indent=1)
    if len(sys.argv) > 3:
        with open(sys.argv[3], 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == '__main__':
    main()
