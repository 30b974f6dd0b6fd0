#!/usr/bin/python3
"""Debian's QEMU 7.2 tools and libnbd's command line tools against our
export; where QEMU has the same feature (qemu-nbd serving the same
image) the client's output must be identical."""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from nbdtest import *  # noqa: F401,F403

MiB = 1 << 20
pattern = [(0xab, 0, 65536), (0xcd, MiB, 4096), (0xef, 3 * MiB - 512, 512)]
img = make_image("q.img", "4M", pattern)
wimg = make_image("w.img", "4M")
bad = make_image("bad.img", "2M", [(0x22, 0, 2 * MiB)])
blkdebug = ("driver=raw,file.driver=blkdebug,"
            "file.inject-error.0.event=read_aio,file.inject-error.0.errno=5,"
            "file.inject-error.0.sector=2048,"
            "file.image.driver=file,file.image.filename=" + bad)
srv = Server("-n", "disk", img, "-n", "w", "-w", "-D", "writable disk", wimg,
             "-n", "bad", blkdebug)
qsock = os.path.join(TMP, "qemu-nbd.sock")
qnbd = subprocess.Popen(["qemu-nbd", "-t", "-r", "-f", "raw", "-x", "disk",
                         "-k", qsock, img], env=ENV,
                        stderr=subprocess.DEVNULL)
for _ in range(100):
    if os.path.exists(qsock):
        break
    time.sleep(0.05)


def ours(name="disk"):
    return srv.uri(name)


def theirs(name="disk"):
    return "nbd+unix:///%s?socket=%s" % (name, qsock)


def norm(text):
    text = text.replace(srv.sock, "SOCK").replace(qsock, "SOCK")
    # timing figures differ run to run
    return re.sub(r"\d+\.\d+ sec \(.*\)", "X sec (X)", text)


def same_as_qemu_nbd(*argv):
    a = run(*argv, ours(), check_rc=False)
    b = run(*argv, theirs(), check_rc=False)
    got = (a.returncode, norm(a.stdout), norm(a.stderr))
    want = (b.returncode, norm(b.stdout), norm(b.stderr))
    assert got == want, "ours:\n%r\nqemu-nbd:\n%r" % (got, want)
    return a


def qemu_img_info():
    same_as_qemu_nbd("qemu-img", "info")
    same_as_qemu_nbd("qemu-img", "info", "--output=json")


def qemu_img_map():
    out = same_as_qemu_nbd("qemu-img", "map", "--output=json")
    assert '"data": true' in out.stdout
    same_as_qemu_nbd("qemu-img", "map")


def qemu_io_reads():
    cmds = []
    for (b, off, n) in pattern:
        cmds += ["-c", "read -P 0x%x %d %d" % (b, off, n)]
    cmds += ["-c", "read -P 0 %d 4096" % (2 * MiB), "-c", "read -v 0 32",
             "-c", "readv 0 512 512", "-c", "map"]
    same_as_qemu_nbd("qemu-io", "-r", "-f", "raw", *cmds)


def qemu_io_missing_export():
    a = run("qemu-io", "-r", "-f", "raw", "-c", "read 0 1", ours("nosuch"),
            check_rc=False)
    b = run("qemu-io", "-r", "-f", "raw", "-c", "read 0 1", theirs("nosuch"),
            check_rc=False)
    assert (a.returncode, norm(a.stderr)) == (b.returncode, norm(b.stderr)), \
        (a.stderr, b.stderr)


def qemu_io_writes():
    p = run("qemu-io", "-f", "raw",
            "-c", "write -P 0x61 0 128k", "-c", "write -z 64k 4k",
            "-c", "write -P 0x62 -f 1M 4k", "-c", "aio_write -P 0x63 2M 4k",
            "-c", "aio_write -P 0x64 2052k 4k", "-c", "aio_flush",
            "-c", "discard 3M 64k", "-c", "flush",
            "-c", "read -P 0x61 0 64k", "-c", "read -P 0 64k 4k",
            "-c", "read -P 0x61 68k 60k", "-c", "read -P 0x62 1M 4k",
            "-c", "read -P 0x63 2M 4k", "-c", "read -P 0x64 2052k 4k",
            ours("w"))
    assert "Pattern verification failed" not in p.stdout, p.stdout
    # and the bytes really are in the image
    run("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x64 2052k 4k", wimg)


def qemu_img_convert_compare():
    out = os.path.join(TMP, "copy.raw")
    run("qemu-img", "convert", "-f", "raw", "-O", "raw", ours(), out)
    run("qemu-img", "compare", "-f", "raw", "-F", "raw", img, out)
    run("qemu-img", "compare", "-f", "raw", "-F", "raw", ours(), img)
    # into the writable export
    run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", img, ours("w"))
    run("qemu-img", "compare", "-f", "raw", "-F", "raw", ours("w"), img)
    run("qemu-img", "compare", "-f", "raw", "-F", "raw", wimg, img)
    p = run("qemu-img", "compare", "-f", "raw", "-F", "raw", ours("w"),
            make_image("other.img", "4M"), check_rc=False)
    assert p.returncode == 1 and "Content mismatch" in p.stdout, p.stdout


def qemu_nbd_list():
    p = run("qemu-nbd", "--list", "-k", srv.sock)
    assert "exports available: 3" in p.stdout, p.stdout
    assert " export: 'w'\n  description: writable disk" in p.stdout, p.stdout
    assert "base:allocation" in p.stdout
    assert "readonly" in p.stdout.split("export: 'disk'")[1].split("export:")[0]


def nbdinfo_list():
    p = run("nbdinfo", "--list", "--json", srv.uri())
    import json
    j = json.loads(p.stdout)
    names = sorted(e["export-name"] for e in j["exports"])
    assert names == ["bad", "disk", "w"], names
    p = run("nbdinfo", "--map", ours())
    assert re.search(r"^\s+0\s+65536\s+0\s+data", p.stdout, re.M), p.stdout
    p = run("nbdinfo", "--size", ours())
    assert p.stdout.strip() == str(4 * MiB)


def nbdcopy_both_ways():
    if not shutil.which("nbdcopy", path=ENV["PATH"]):
        raise Skip("nbdcopy missing")
    out = os.path.join(TMP, "nbdcopy.raw")
    run("nbdcopy", ours(), out)
    run("cmp", out, img)
    src = make_image("src.img", "4M", [(0x99, 512 * 1024, MiB)])
    run("nbdcopy", "--connections=4", "--requests=32", src, ours("w"))
    run("qemu-img", "compare", "-f", "raw", "-F", "raw", ours("w"), src)


def blkdebug_read_error_qemu_io():
    p = run("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x22 0 4k",
            "-c", "read 1M 4k", "-c", "read -P 0x22 0 4k",
            "-c", "read 1M 512", "-c", "read -P 0x22 1028k 4k",
            ours("bad"), check_rc=False)
    lines = [l for l in p.stdout.splitlines() if not l[0].isdigit()]
    assert lines == ["read 4096/4096 bytes at offset 0",
                     "read failed: Input/output error",
                     "read 4096/4096 bytes at offset 0",
                     "read failed: Input/output error",
                     "read 4096/4096 bytes at offset 1052672"], p.stdout


def server_alive():
    assert srv.alive()
    assert srv.cmd("clients")[0] == "0", "clients left behind"


check("qemu-img info same as qemu-nbd", qemu_img_info)
check("qemu-img map same as qemu-nbd", qemu_img_map)
check("qemu-io reads same as qemu-nbd", qemu_io_reads)
check("qemu-io missing export: same message", qemu_io_missing_export)
check("qemu-io writes (FUA, zero, aio, discard, flush)", qemu_io_writes)
check("qemu-img convert/compare both ways", qemu_img_convert_compare)
check("qemu-nbd --list", qemu_nbd_list)
check("nbdinfo --list/--map/--size", nbdinfo_list)
check("nbdcopy from and to the export", nbdcopy_both_ways)
check("blkdebug read error via qemu-io: EIO, session goes on",
      blkdebug_read_error_qemu_io)
check("server alive, no client left", server_alive)
qnbd.kill()
finish()
