"""Negotiation and malformed input: byte-identical to QEMU (version masked)."""
from qmplib import compare, Daemon, OURS, Skip, QEMU, mask
import json
import os


def test_negotiation():
    compare('{"execute": "query-version"}\n'
            '{"execute": "blockdev-del", "arguments": {}}\n'
            '{"execute": "nope"}\n'
            '{"execute": "qmp_capabilities", "arguments": {"x": 1}}\n'
            '{"execute": "qmp_capabilities", "id": [1, {"a": null}]}\n'
            '{"execute": "qmp_capabilities", "id": 2}\n'
            '{"execute": "query-version", "id": "v"}\n', negotiate=False)


def test_capabilities_enable_oob():
    compare('{"execute": "qmp_capabilities", "arguments": {"enable": ["x"]}}\n'
            '{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}\n'
            '{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}\n'
            '{"exec-oob": "query-version", "id": 1}\n'
            '{"exec-oob": 1}\n'
            '{"execute": "query-version", "exec-oob": "quit"}\n',
            negotiate=False)


MALFORMED = [
    '[1]', '1', '"x"', 'true', 'null', '{}', '{"execute": 1}',
    '{"execute": null}', '{"execute": "nope"}', '{"execute": ""}',
    '{"execute": "query-version", "arguments": []}',
    '{"execute": "query-version", "arguments": null}',
    '{"execute": "query-version", "arguments": {"a": 1}}',
    '{"execute": "query-version", "foo": 1}',
    '{"execute": "query-version", "control": {}, "zzz": 2}',
    '{"execute": "query-version", "id": null}',
    '{"execute": "query-version", "execute": "x"}',
    '{"foo"\n}', '}', ']', '{"a":@}', '@', '%', '{"a": tru}', 'nul',
    "{'execute': 'query-version', 'id': 'sq\\'x'}",
    '{"execute": "query-version", }', '{"execute": "query-version" "x": 1}',
    '[1,]', '[,1]', '{,}', '{"a" 1}', '{1: 2}', '[1 2]', '{"a": 1,,}',
    '"\\x"', '"bad\x01ctl"', '01', '-', '-x',
    '1.', '1e', '1e+', '.5', '1.5e3', '123456789012345678901234567890',
    '{"execute": "quer\\u0000y"}', '{"execute": "qu\\u00e9ry"}',
    '"\xc3\x28"', '\xfe', '\xff{"execute": "query-version"}',
    '{"execute": "query-version"}{"execute": "query-versio"}',
    '{"execute": "blockdev-del", "arguments": {"node-name": 1}}',
    '{"execute": "blockdev-del", "arguments": {"node-name": "x", "y": 2}}',
    '{"execute": "blockdev-del"}',
    '{"execute": "query-named-block-nodes", "arguments": {"flat": "yes"}}',
    '{"execute": "x-blockdev-change", "arguments": {"parent": 1}}',
    '{"execute": "x-blockdev-change", "arguments": {"child": "a"}}',
]


def test_malformed_each():
    # One daemon for all: the connection must survive every message.
    compare('\n'.join(MALFORMED) + '\n')


def test_nesting_limit():
    compare('[' * 1025 + ']' * 1025 + '\n' + '{"a":' * 1100 + '1' +
            '}' * 1100 + '\n' + '[' * 2000 + ']' * 2000 + '\n')


def test_crlf_and_pretty_off():
    with Daemon(OURS) as d:
        d.c.send('{"execute": "query-version", "id": 1}\n')
        line = d.c.recv_line()
        assert line.endswith(b'}\r\n') and line.count(b'\n') == 1, line


def test_id_echo_types():
    compare('\n'.join('{"execute": "query-version", "id": %s}' % i for i in
                      ['1', '"s"', '1.5', 'true', 'null', '[]', '{"a": [1]}',
                       '-7']) + '\n')


def test_several_monitors():
    with Daemon(OURS, monitors=3) as d:
        for i, c in enumerate(d.conns):
            r = c.cmd('query-version', id=i)
            assert r['id'] == i and 'return' in r, r
        d.conns[1].close()
        d.conns[1] = d.connect(d.socks[1])
        assert 'return' in d.conns[1].cmd('query-version')
        assert 'return' in d.conns[2].cmd('query-version')


def test_reconnect_renegotiates():
    for binary in (OURS, QEMU):
        if not os.path.exists(binary):
            continue
        with Daemon(binary) as d:
            d.c.close()
            d.c = d.conns[0] = d.connect(d.socks[0], negotiate=False)
            r = d.c.cmd('query-version')
            assert r['error']['class'] == 'CommandNotFound', r


def test_query_commands_before_negotiation():
    with Daemon(OURS, negotiate=False) as d:
        r = d.c.cmd('query-commands')
        assert r['error']['desc'].startswith('Expecting capabilities'), r
