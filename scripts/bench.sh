#!/usr/bin/env bash
# Side-by-side throughput of ours and QEMU 7.2 (Debian's binaries).
#
#   scripts/bench.sh [BUILD_DIR] [MODE]     (make bench: build, all)
#
# Modes:
#   inproc  qemu-img bench in-process: our qemu-img against QEMU's
#   nbd     the path users take: our qemu-storage-daemon against Debian's,
#           each exporting the same graph (a quorum of three raw files,
#           vote-threshold 2, aio=threads; and a single raw file) over
#           NBD on a unix socket, on tmpfs and on /var/tmp; clients are
#           Debian's qemu-img bench (nbd+unix://) and fio --ioengine=nbd.
#           Writes a gnuplot chart of the ratios (CHART=, default
#           docs/performance-nbd.png when run from the source tree).
#   soak    16 fio clients of mixed I/O against each daemon's quorum
#           export for DURATION seconds (default 600): RSS every 10 s and
#           CPU time per request, ours against Debian's.
#   slow    request latency (p50, p99) with one replica of three at 1 s
#           per request (nbdkit's delay filter): Debian's daemon, ours,
#           ours with x-complete-at-threshold=on
#           (scripts/bench-slow-replica.py)
#   all     inproc, then nbd, then slow (the default)
#
# Environment:
#   RUNS=N        runs per side and scenario (default 5 in-process, 3 nbd)
#   QEMU_IMG=P    the reference qemu-img (default /usr/bin/qemu-img)
#   QSD=P         the reference daemon (default /usr/bin/qemu-storage-daemon)
#   SCALE=F       multiply every request count and fio runtime by F
#                 (default 1; 0.1 for a quick look)
#   ONLY=REGEX    run only the scenarios whose name matches
#   STORAGE="/dev/shm /var/tmp"   directories for the nbd and soak images
#   DURATION=S    soak length in seconds (default 600)
#
# Both sides run the same scenario with the same options, interleaved
# (and in alternating order) so that drift of the machine hits both
# sides alike.  The medians are reported with the ratio ours/QEMU of
# the request rate (> 1 means we are faster).  This is a measurement,
# not a test: it always exits 0, and a failed run shows as "FAIL".
set -u

build=${1:-build}
mode=${2:-all}
ours=$build/qemu-img
ref=${QEMU_IMG:-/usr/bin/qemu-img}
scale=${SCALE:-1}
only=${ONLY:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case $mode in
inproc|nbd|soak|slow|all) ;;
*) echo "bench: unknown mode '$mode' (inproc, nbd, soak, slow, all)" >&2; exit 0 ;;
esac
for b in "$ours" "$ref"; do
    if [ ! -x "$b" ]; then
        echo "bench: $b is missing (build first: make)" >&2
        exit 0
    fi
done

median() {
    # numbers on stdin, FAIL entries ignored; prints FAIL if none
    grep -v FAIL | sort -g | awk '{ v[NR] = $1 }
        END { if (NR == 0) { print "FAIL"; exit }
              if (NR % 2) print v[(NR + 1) / 2];
              else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

scaled() {
    awk -v c="$1" -v s="$scale" 'BEGIN { c = int(c * s); print (c < 1 ? 1 : c) }'
}

# shellcheck source=scripts/bench-nbd.sh
. "$here/bench-nbd.sh"
case $mode in
nbd) bench_nbd; exit 0 ;;
soak) bench_soak; exit 0 ;;
slow) /usr/bin/python3 "$here/bench-slow-replica.py" "$build"; exit 0 ;;
esac
runs=${RUNS:-5}
[ "$runs" -ge 1 ] 2>/dev/null || runs=5

# A tmpfs directory, so that the numbers measure the block layer and not
# a disk.  /dev/shm is tmpfs on most Linux systems.
base=/dev/shm
if [ ! -d "$base" ] || [ ! -w "$base" ] ||
   [ "$(stat -f -c %T "$base" 2>/dev/null)" != tmpfs ]; then
    base=${TMPDIR:-/tmp}
fi
dir=$(mktemp -d "$base/qbench.XXXXXX") || exit 0
trap 'rm -rf "$dir"' EXIT
img=$dir/bench.raw
fstype=$(stat -f -c %T "$dir" 2>/dev/null)

# 256 MiB of written (not sparse) data: reads hit real page-cache pages.
dd if=/dev/zero of="$img" bs=1M count=256 status=none 2>/dev/null ||
    { echo "bench: cannot create $img" >&2; exit 0; }

# Three replicas for the quorum rows (64 MiB each, written, on tmpfs).
for q in 0 1 2; do
    dd if=/dev/zero of="$dir/q$q.raw" bs=1M count=64 status=none 2>/dev/null ||
        { echo "bench: cannot create $dir/q$q.raw" >&2; exit 0; }
done
qfile="driver=quorum,vote-threshold=2"
qnull="driver=quorum,vote-threshold=2"
for q in 0 1 2; do
    qfile="$qfile,children.$q.driver=raw,children.$q.file.driver=file"
    qfile="$qfile,children.$q.file.filename=$dir/q$q.raw"
    # read-zeroes: replicas must agree, or every read takes the vote path.
    qnull="$qnull,children.$q.driver=null-co,children.$q.size=64M"
    qnull="$qnull,children.$q.read-zeroes=on"
done

# name | request size in bytes | count | arguments (the image comes last)
scenarios=(
    "null-co 4k read QD1|4096|200000|-d 1 --image-opts driver=null-co,size=1G"
    "null-co 4k read QD32|4096|500000|-d 32 --image-opts driver=null-co,size=1G"
    "file 4k read QD1|4096|10000|-f raw -d 1 $img"
    "file 4k read QD32|4096|50000|-f raw -d 32 $img"
    "file 64k read QD16|65536|25000|-f raw -d 16 -s 64k $img"
    "file 1M read QD4|1048576|4000|-f raw -d 4 -s 1M $img"
    "file 4k write QD32|4096|50000|-f raw -w -d 32 $img"
    "file 4k read QD32 aio=threads|4096|50000|-f raw -i threads -d 32 $img"
    "file 4k read QD1 aio=io_uring|4096|20000|-f raw -i io_uring -d 1 $img"
    "file 4k read QD32 aio=io_uring|4096|80000|-f raw -i io_uring -d 32 $img"
    "quorum3 null-co 4k read QD1|4096|100000|-d 1 --image-opts $qnull"
    "quorum3 null-co 4k read QD32|4096|200000|-d 32 --image-opts $qnull"
    "quorum3 null-co 4k write QD32|4096|200000|-w -d 32 --image-opts $qnull"
    "quorum3 file 4k read QD16|4096|40000|-d 16 --image-opts $qfile"
    "quorum3 file 4k write QD16|4096|40000|-w -d 16 --image-opts $qfile"
    "quorum3 file 64k read QD16|65536|10000|-d 16 -s 64k --image-opts $qfile"
)

# run_one BINARY COUNT ARGS -> prints the elapsed seconds or FAIL
run_one() {
    local bin=$1 count=$2 out t
    shift 2
    # shellcheck disable=SC2086  # ARGS is a word list on purpose
    out=$("$bin" bench -c "$count" $* 2>/dev/null) || { echo FAIL; return; }
    t=$(printf '%s\n' "$out" | sed -n 's/^Run completed in \([0-9.]*\) seconds\.$/\1/p')
    echo "${t:-FAIL}"
}

declare -A times_ours times_ref
n=${#scenarios[@]}

echo "qemu-img bench: ours ($ours) vs QEMU ($ref)"
echo "image: 256 MiB raw on $fstype ($dir), $runs runs per side, $(nproc) CPUs"
for ((r = 1; r <= runs; r++)); do
    printf 'run %d/%d ' "$r" "$runs" >&2
    for ((i = 0; i < n; i++)); do
        IFS='|' read -r name size count args <<<"${scenarios[$i]}"
        if [ -n "$only" ] && ! [[ $name =~ $only ]]; then
            continue
        fi
        count=$(awk -v c="$count" -v s="$scale" \
                'BEGIN { c = int(c * s); print (c < 1 ? 1 : c) }')
        # Alternate which side goes first.
        if (( (r + i) % 2 )); then
            t_o=$(run_one "$ours" "$count" "$args")
            t_r=$(run_one "$ref" "$count" "$args")
        else
            t_r=$(run_one "$ref" "$count" "$args")
            t_o=$(run_one "$ours" "$count" "$args")
        fi
        times_ours[$i]+="$t_o "
        times_ref[$i]+="$t_r "
        printf '.' >&2
    done
done
echo >&2

echo
printf '%-32s %12s %12s %10s %10s %7s\n' \
    scenario "QEMU IOPS" "ours IOPS" "QEMU MiB/s" "ours MiB/s" ratio
for ((i = 0; i < n; i++)); do
    IFS='|' read -r name size count args <<<"${scenarios[$i]}"
    if [ -n "$only" ] && ! [[ $name =~ $only ]]; then
        continue
    fi
    count=$(awk -v c="$count" -v s="$scale" \
            'BEGIN { c = int(c * s); print (c < 1 ? 1 : c) }')
    m_o=$(tr ' ' '\n' <<<"${times_ours[$i]}" | grep . | median)
    m_r=$(tr ' ' '\n' <<<"${times_ref[$i]}" | grep . | median)
    awk -v name="$name" -v c="$count" -v sz="$size" -v to="$m_o" -v tr="$m_r" '
        function iops(t) { return (t == "FAIL" || t <= 0) ? -1 : c / t }
        function cell(v, f) { return v < 0 ? "FAIL" : sprintf(f, v) }
        BEGIN {
            io = iops(to); ir = iops(tr)
            ratio = (io < 0 || ir < 0) ? "-" : sprintf("%.2f", io / ir)
            printf "%-32s %12s %12s %10s %10s %7s\n", name,
                   cell(ir, "%.0f"), cell(io, "%.0f"),
                   cell(ir < 0 ? -1 : ir * sz / 1048576, "%.1f"),
                   cell(io < 0 ? -1 : io * sz / 1048576, "%.1f"), ratio
        }'
done
echo
echo "ratio = ours/QEMU request rate (median of $runs runs each); > 1 is faster"
rm -rf "$dir"
trap - EXIT
if [ "$mode" = all ]; then
    bench_nbd
    /usr/bin/python3 "$here/bench-slow-replica.py" "$build"
fi
exit 0
