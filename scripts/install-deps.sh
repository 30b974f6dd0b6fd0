#!/bin/sh
# Install exactly the Debian packages this project needs that are missing.
# Idempotent: does nothing (and needs no root) when everything is present.
set -e
PKGS="build-essential meson ninja-build pkg-config python3
libglib2.0-dev liburing-dev libjansson-dev libgnutls28-dev libnbd-dev libnbd-bin
qemu-utils qemu-system-common nbdkit python3-libnbd gnutls-bin
iproute2 iptables qemu-system-x86 fio gnuplot-nox
clang libclang-rt-14-dev valgrind strace"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends $missing || {
    $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing
}
