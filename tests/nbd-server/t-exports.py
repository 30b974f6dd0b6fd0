#!/usr/bin/python3
"""Export and server lifecycle through the API the daemon will call:
add/del (safe and hard), the deleted notification (BLOCK_EXPORT_DELETED),
QEMU's error messages, max-connections, stop and shutdown."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from nbdtest import *  # noqa: F401,F403

img = make_image("a.img", "1M", [(0x31, 0, 4096)])
img2 = make_image("b.img", "1M")
srv = Server("-n", "a", "-w", img)


def ok(line):
    out = srv.cmd(line)
    assert out[-1] == "ok", (line, out)
    return out[:-1]


def err(line, msg):
    out = srv.cmd(line)
    assert out[-1] == "error: " + msg, (line, out)


def add_del_messages():
    ok("add b " + img2)
    assert ok("exports") == ["b b node1 false", "a a node0 false"]
    err("add b " + img2, "Block export id 'b' is already in use")
    err("add b %s ro other" % img2, "NBD server already has export named 'b'")
    err("add c driver=raw,file.filename=%s,read-only=on rw" % img2,
        "Cannot export read-only node as writable")
    err("add c %s ro 1bad" % img2, "Invalid block export id")
    err("del nosuch", "Export 'nosuch' is not found")
    srv.events.clear()
    ok("del b")
    # no clients: gone (and announced) before the command returns
    assert srv.events == ["BLOCK_EXPORT_DELETED b"], srv.events
    assert ok("exports") == ["a a node0 false"]
    err("del b", "Export 'b' is not found")


def del_safe_in_use_then_hard():
    c = RawClient(srv.sock).connect("a", structured=True)
    err("del a", "export 'a' still in use")
    assert ok("exports") == ["a a node0 false"]
    c.request(CMD_READ, 0, 4)
    assert c.chunks()[0][3][8:] == b"\x31" * 4
    srv.events.clear()
    ok("del a hard")
    assert c.closed_by_server()
    assert srv.wait_event("BLOCK_EXPORT_DELETED a"), srv.events
    assert ok("exports") == []
    # a new client no longer finds it
    c = RawClient(srv.sock)
    c.greeting()
    assert c.go("a")[-1][0] == REP_ERR_UNKNOWN


def hard_del_with_requests_in_flight():
    ok("add busy " + img2 + " rw")
    cs = [RawClient(srv.sock).connect("busy") for _ in range(3)]
    for c in cs:
        for h in range(16):
            c.request(CMD_WRITE, h * 4096, 4096, handle=h, data=b"z" * 4096)
    srv.events.clear()
    ok("del busy hard")
    assert srv.wait_event("BLOCK_EXPORT_DELETED busy"), srv.events
    assert srv.cmd("clients")[0] == "0"


def max_connections():
    s2 = Server("-m", "2", "-n", "x", img2)
    a = RawClient(s2.sock).connect("x")
    b = RawClient(s2.sock).connect("x")
    c = RawClient(s2.sock, timeout=0.5)
    try:
        c.recv(18)
        raise AssertionError("third client served despite max-connections=2")
    except socket.timeout:
        pass
    a.request(CMD_DISC)
    a.close()
    c.s.settimeout(5)
    c.greeting()
    assert c.go("x")[-1][0] == REP_ACK
    b.close()
    assert s2.stop() == 0


def stop_server():
    ok("add s1 " + img2)
    c = RawClient(srv.sock).connect("s1")
    srv.events.clear()
    ok("stop")
    assert c.closed_by_server()
    assert srv.wait_event("BLOCK_EXPORT_DELETED s1"), srv.events
    err("stop", "NBD server not running")
    err("add s2 " + img2, "NBD server not running")
    try:
        RawClient(srv.sock)
        raise AssertionError("still listening after stop")
    except (FileNotFoundError, ConnectionRefusedError):
        pass


def quit_with_clients():
    s3 = Server("-n", "q", "-w", img2)
    cs = [RawClient(s3.sock).connect("q") for _ in range(4)]
    cs[0].request(CMD_WRITE, 0, 4096, data=b"q" * 4096)
    assert cs[0].simple_reply()[0] == 0
    assert s3.stop() == 0
    run("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x71 0 4k", img2)


def sigterm_exits_cleanly():
    s4 = Server("-n", "t", img2)
    RawClient(s4.sock).connect("t")
    s4.proc.terminate()
    assert s4.proc.wait(timeout=10) == 0
    assert not os.path.exists(s4.sock)


check("add/del and QEMU's messages", add_del_messages)
check("del: safe refuses while in use, hard disconnects", del_safe_in_use_then_hard)
check("hard del with writes in flight on 3 clients",
      hard_del_with_requests_in_flight)
check("max-connections holds the third client back", max_connections)
check("stop deletes exports, disconnects, stops listening", stop_server)
check("quit with clients connected, data flushed", quit_with_clients)
check("SIGTERM exits 0 and removes the socket", sigterm_exits_cleanly)
finish()
