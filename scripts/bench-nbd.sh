# The NBD modes of scripts/bench.sh (sourced by it, not run on its own):
# our qemu-storage-daemon against Debian's, each exporting the same graph
# over NBD on a unix socket, driven by Debian's qemu-img bench and by
# fio --ioengine=nbd.  Uses $build, $ref (the client qemu-img), $scale,
# $only and the helpers median and scaled from bench.sh.

qsd_ref=${QSD:-/usr/bin/qemu-storage-daemon}
qsd_ours=$build/qemu-storage-daemon
nbd_mb=256                              # size of each image file

# nbd_files DIR PREFIX: three written (not sparse) images DIR/PREFIX{0,1,2}.raw
nbd_files() {
    local q
    for q in 0 1 2; do
        dd if=/dev/zero of="$1/$2$q.raw" bs=1M count=$nbd_mb status=none \
            2>/dev/null || return 1
    done
}

# nbd_graph EXPORT DIR PREFIX: --blockdev arguments of node "top".
# With nbd_shared=1 the files are opened with locking=off, so that both
# daemons can export the same files (never driven at the same time).
nbd_graph() {
    local kind=$1 d=$2 p=$3 q json lk= lkj=
    if [ "${nbd_shared:-0}" = 1 ]; then
        lk=,locking=off
        lkj='"locking":"off",'
    fi
    if [ "$kind" = raw ]; then
        printf '%s\n' --blockdev \
            "driver=file,node-name=f,filename=$d/${p}0.raw,aio=threads$lk" \
            --blockdev driver=raw,node-name=top,file=f
        return
    fi
    json='{"driver":"quorum","node-name":"top","vote-threshold":2,"children":['
    for q in 0 1 2; do
        json+='{"driver":"raw","file":{"driver":"file","aio":"threads",'$lkj
        json+="\"filename\":\"$d/$p$q.raw\"}}"
        [ $q -lt 2 ] && json+=,
    done
    echo "--blockdev"
    echo "$json]}"
}

# nbd_start BINARY SOCKET EXPORT DIR PREFIX -> prints the daemon's pid
nbd_start() {
    local bin=$1 sock=$2 i
    local -a args
    mapfile -t args < <(nbd_graph "$3" "$4" "$5")
    rm -f "$sock"
    "$bin" "${args[@]}" --nbd-server "addr.type=unix,addr.path=$sock" \
        --export type=nbd,id=e,node-name=top,name=e,writable=on \
        </dev/null >/dev/null 2>&1 &
    echo $!
    for ((i = 0; i < 100; i++)); do
        [ -S "$sock" ] && return 0
        sleep 0.05
    done
    echo "bench: $bin did not start" >&2
}

nbd_stop() {
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
}

# The workloads: client | name | bytes per request | arguments.
# qemu-img bench is sequential (it has no random mode); fio's 4k rows
# are random.  Counts for qemu-img give our daemon about a second per
# run (Debian's takes longer), as fio's runs last two: with a quarter
# of that, 64 KiB rows moved by up to 20 % from one run to the next.
# Not the 1 MiB reads: Debian's quorum reads them at 70-80 a second.
nbd_rows=(
    "img|4k read QD1|4096|-c 25000 -d 1"
    "img|4k read QD32|4096|-c 60000 -d 32"
    "img|64k read QD16|65536|-c 40000 -d 16 -s 64k"
    "img|1M read QD4|1048576|-c 600 -d 4 -s 1M"
    "img|4k write QD1|4096|-w -c 25000 -d 1"
    "img|4k write QD32|4096|-w -c 60000 -d 32"
    "img|64k write QD16|65536|-w -c 30000 -d 16 -s 64k"
    "img|1M write QD4|1048576|-w -c 2000 -d 4 -s 1M"
    "fio|4k randread QD1|4096|--rw=randread --bs=4k --iodepth=1"
    "fio|4k randread QD32|4096|--rw=randread --bs=4k --iodepth=32"
    "fio|64k read QD16|65536|--rw=read --bs=64k --iodepth=16"
    "fio|1M read QD4|1048576|--rw=read --bs=1M --iodepth=4"
    "fio|4k randwrite QD1|4096|--rw=randwrite --bs=4k --iodepth=1"
    "fio|4k randwrite QD32|4096|--rw=randwrite --bs=4k --iodepth=32"
    "fio|64k write QD16|65536|--rw=write --bs=64k --iodepth=16"
    "fio|1M write QD4|1048576|--rw=write --bs=1M --iodepth=4"
)

# nbd_run_one CLIENT SOCKET ARGS -> "rate requests", or FAIL
nbd_run_one() {
    local client=$1 sock=$2 args=$3 out t count rt
    local uri="nbd+unix:///e?socket=$sock"
    if [ "$client" = img ]; then
        count=$(sed -n 's/.*-c \([0-9]*\).*/\1/p' <<<"$args")
        count=$(scaled "$count")
        args=$(sed "s/-c [0-9]*/-c $count/" <<<"$args")
        # shellcheck disable=SC2086
        out=$("$ref" bench -f raw $args "$uri" 2>/dev/null) || { echo FAIL; return; }
        t=$(sed -n 's/^Run completed in \([0-9.]*\) seconds\.$/\1/p' <<<"$out")
        awk -v c="$count" -v t="$t" 'BEGIN { print (t > 0 ? c / t " " c : "FAIL") }'
    else
        rt=$(awk -v s="$scale" 'BEGIN { t = 2 * s; print (t < 0.5 ? 0.5 : t) }')
        # Terse format 3: field 8 is read IOPS, field 49 write IOPS.
        # shellcheck disable=SC2086
        out=$(fio --name=b --ioengine=nbd --uri="$uri" $args \
              --runtime="$rt" --time_based --output-format=terse \
              2>/dev/null | grep '^3;') || { echo FAIL; return; }
        awk -F';' -v rt="$rt" '{ v = $8 + $49; print (v > 0 ? v " " v * rt : "FAIL") }' <<<"$out"
    fi
}

# nbd_measure CLIENT SOCKET ARGS PID DIR
#   -> "rate requests daemon_cpu_ticks client_cpu_seconds" or FAIL
# Each run starts with DIR's file system synced: on disk, the write-back
# of what the run before wrote (up to 700 MiB, the other daemon's too)
# would otherwise land in this one.  The client's CPU time (user+sys,
# from bash's time) shows the rows where the client is the bound.
nbd_measure() {
    local c0 c1 out tf TIMEFORMAT='%3U %3S'
    sync -f "$5"
    tf=$(mktemp)
    c0=$(cpu_ticks "$4")
    { time out=$(nbd_run_one "$1" "$2" "$3"); } 2>"$tf"
    c1=$(cpu_ticks "$4")
    [ "$out" = FAIL ] && { rm -f "$tf"; echo FAIL; return; }
    echo "$out $((c1 - c0)) $(awk '{ print $1 + $2 }' "$tf")"
    rm -f "$tf"
}

# Sum requests and CPU over runs: "us of daemon CPU per request", or
# with "client" the client's.
cpu_per_req() {
    awk -v hz="$(getconf CLK_TCK)" -v who="${1:-daemon}" '$1 != "FAIL" {
            n += $2; t += (who == "client" ? $4 : $3 / hz) }
        END { print (n > 0 ? sprintf("%.1f", t / n * 1e6) : "-") }'
}

# The file system type by name: stat -f says "ext2/ext3" for ext4, and
# findmnt prints a line per mount stacked on the directory.
nbd_fstype() {
    df --output=fstype "$1" 2>/dev/null | tail -n1
}

nbd_chart() {
    local tsv=$1 png=$2
    command -v gnuplot >/dev/null || { echo "bench: no gnuplot, no chart" >&2; return; }
    awk -F'\t' 'NR > 1 && $7 != "-" { print NR - 1, $7, "\"" $1 "\"" }' \
        "$tsv" >"$tsv.dat"
    gnuplot <<EOF 2>/dev/null || echo "bench: gnuplot failed" >&2
set terminal pngcairo size 1500,900 font ",9"
set output "$png"
set title "NBD export: ours / Debian's qemu-storage-daemon 7.2 (request rate, medians)"
set ylabel "ratio, log scale (> 1: ours faster; lines at 1.0 and 1.5)"
set style fill solid 0.6
set boxwidth 0.8
set logscale y
set yrange [0.2:100]
set xtics rotate by -70 left
set grid ytics
set key off
set bmargin 19
f(x) = 1.0
g(x) = 1.5
plot "$tsv.dat" using 1:2:xtic(3) with boxes lc rgb "#3070b0", \
     f(x) with lines lc rgb "#c03030" lw 2, g(x) with lines dt 2 lc rgb "#30a030" lw 2
EOF
    rm -f "$tsv.dat"
    [ -s "$png" ] && echo "chart: $png"
}

bench_nbd() {
    local runs=${RUNS:-3} storage=${STORAGE:-/dev/shm /var/tmp}
    local tsv=${TSV:-$build/bench-nbd.tsv} chart=${CHART:-}
    local base d fstype exp r i client name size args v
    local pid_o pid_r so sr
    local -a names=() rates_o=() rates_r=() sizes=() cpus_o=() cpus_r=()
    local -a clis_o=() clis_r=()

    [ "$runs" -ge 1 ] 2>/dev/null || runs=3
    for b in "$qsd_ours" "$qsd_ref"; do
        [ -x "$b" ] || { echo "bench: $b is missing" >&2; return; }
    done
    command -v fio >/dev/null || echo "bench: fio missing (scripts/install-deps.sh): fio rows FAIL" >&2
    if [ -z "$chart" ] && [ -d "$here/../docs" ]; then
        chart=$here/../docs/performance-nbd.png
    fi
    echo
    echo "NBD export: ours ($qsd_ours) vs Debian's ($qsd_ref)"
    echo "clients: $ref bench, fio --ioengine=nbd; $runs runs per side, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for base in $storage; do
        [ -d "$base" ] && [ -w "$base" ] || continue
        d=$(mktemp -d "$base/qbench-nbd.XXXXXX") || continue
        # shellcheck disable=SC2064  # expand now: this directory
        trap "nbd_stop \$pid_o \$pid_r; rm -rf '$d'" EXIT INT TERM
        fstype=$(nbd_fstype "$d")
        if ! nbd_files "$d" q; then
            echo "bench: cannot create images in $d" >&2
            rm -rf "$d"
            continue
        fi
        # On disk, writing back the new images took seconds of the
        # first rows' runs, at random: both daemons start on clean
        # files.  The rows' own writes stay in the runs.
        sync -f "$d"
        for exp in quorum3 raw; do
            so=$d/ours.sock sr=$d/ref.sock
            # Both export the same files: with a copy each, where the
            # copies' pages lay in memory moved a row by up to 40 %
            # (the same daemon on both sides: ratios 0.57-0.86).
            pid_o=$(nbd_shared=1 nbd_start "$qsd_ours" "$so" $exp "$d" q)
            pid_r=$(nbd_shared=1 nbd_start "$qsd_ref" "$sr" $exp "$d" q)
            local -A t_o=() t_r=()
            for ((r = 1; r <= runs; r++)); do
                printf '%s %s run %d/%d ' "$fstype" $exp "$r" "$runs" >&2
                for ((i = 0; i < ${#nbd_rows[@]}; i++)); do
                    IFS='|' read -r client name size args <<<"${nbd_rows[$i]}"
                    name="$fstype $exp $client $name"
                    [ -n "$only" ] && ! [[ $name =~ $only ]] && continue
                    if (( (r + i) % 2 )); then
                        t_o[$i]+="$(nbd_measure $client "$so" "$args" "$pid_o" "$d");"
                        t_r[$i]+="$(nbd_measure $client "$sr" "$args" "$pid_r" "$d");"
                    else
                        t_r[$i]+="$(nbd_measure $client "$sr" "$args" "$pid_r" "$d");"
                        t_o[$i]+="$(nbd_measure $client "$so" "$args" "$pid_o" "$d");"
                    fi
                    printf '.' >&2
                done
                echo >&2
            done
            nbd_stop "$pid_o" "$pid_r"
            for ((i = 0; i < ${#nbd_rows[@]}; i++)); do
                IFS='|' read -r client name size args <<<"${nbd_rows[$i]}"
                name="$fstype $exp $client $name"
                [ -n "$only" ] && ! [[ $name =~ $only ]] && continue
                names+=("$name")
                sizes+=("$size")
                rates_o+=("$(tr ';' '\n' <<<"${t_o[$i]}" | awk 'NF { print $1 }' | median)")
                rates_r+=("$(tr ';' '\n' <<<"${t_r[$i]}" | awk 'NF { print $1 }' | median)")
                cpus_o+=("$(tr ';' '\n' <<<"${t_o[$i]}" | grep . | cpu_per_req)")
                cpus_r+=("$(tr ';' '\n' <<<"${t_r[$i]}" | grep . | cpu_per_req)")
                clis_o+=("$(tr ';' '\n' <<<"${t_o[$i]}" | grep . | cpu_per_req client)")
                clis_r+=("$(tr ';' '\n' <<<"${t_r[$i]}" | grep . | cpu_per_req client)")
            done
            unset t_o t_r
        done
        rm -rf "$d"
        trap - EXIT INT TERM
    done

    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' row "QEMU IOPS" "ours IOPS" \
        "QEMU MiB/s" "ours MiB/s" size ratio "QEMU us CPU/req" "ours us CPU/req" \
        "client us CPU/req (QEMU)" "client us CPU/req (ours)" >"$tsv"
    echo
    printf '%-40s %9s %9s %9s %9s %7s %7s %7s %7s %7s\n' row "QEMU IOPS" "ours IOPS" \
        "QEMU MiB/s" "ours MiB/s" ratio "QEMU us" "ours us" "cl(Q)us" "cl(o)us"
    for ((i = 0; i < ${#names[@]}; i++)); do
        awk -v name="${names[$i]}" -v sz="${sizes[$i]}" -v o="${rates_o[$i]}" \
            -v q="${rates_r[$i]}" -v co="${cpus_o[$i]}" -v cq="${cpus_r[$i]}" \
            -v lo="${clis_o[$i]}" -v lq="${clis_r[$i]}" -v tsv="$tsv" '
            function cell(v, f) { return v == "FAIL" ? "FAIL" : sprintf(f, v) }
            BEGIN {
                ratio = (o == "FAIL" || q == "FAIL" || q <= 0) ? "-" : sprintf("%.2f", o / q)
                printf "%-40s %9s %9s %9s %9s %7s %7s %7s %7s %7s\n", name, cell(q, "%.0f"),
                       cell(o, "%.0f"), cell(q == "FAIL" ? q : q * sz / 1048576, "%.1f"),
                       cell(o == "FAIL" ? o : o * sz / 1048576, "%.1f"), ratio, cq, co,
                       lq, lo
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, cell(q, "%.0f"),
                       cell(o, "%.0f"), cell(q == "FAIL" ? q : q * sz / 1048576, "%.1f"),
                       cell(o == "FAIL" ? o : o * sz / 1048576, "%.1f"), sz, ratio,
                       cq, co, lq, lo >> tsv
            }'
    done
    echo
    echo "ratio = ours/Debian's request rate (median of $runs runs each); > 1 is faster"
    echo "us = daemon CPU time (user+sys) per request over all runs of the row"
    echo "cl(Q)us, cl(o)us = the client's CPU time per request against Debian's / our daemon"
    echo "table: $tsv"
    nbd_costs "$tsv"
    [ -n "$chart" ] && nbd_chart "$tsv" "$chart"
}

# nbd_costs TSV: where each row's CPU goes, and how far its rate is from
# what this machine's CPUs allow.  Client and daemon share the CPUs, so
# with d and c the daemon's and the client's CPU time per request, no
# run can exceed NCPU / (d + c) requests per second; a row far below
# that waits (for the other side, the kernel, a disk), one near it is
# bound by CPU, and then the client's share says who to blame.
nbd_costs() {
    awk -F'\t' -v ncpu="$(nproc)" '
        NR == 1 || $9 == "-" { next }
        {
            if (!hdr++) {
                printf "\n%-40s %9s %8s %8s %9s %6s %8s\n", "cost per request (ours)", \
                       "req/s", "daemon", "client", "CPU bound", "of it", "QEMU d"
            }
            b = ($9 + $11 > 0) ? ncpu * 1e6 / ($9 + $11) : 0
            printf "%-40s %9s %7.1fu %7.1fu %9.0f %5.0f%% %7.1fu\n", $1, $3, $9, $11, \
                   b, b ? $3 * 100 / b : 0, $8
        }
        END {
            if (hdr) {
                print "daemon, client = CPU time (user+sys) per request, ours; QEMU d = Debian'"'"'s daemon"
                print "CPU bound = " ncpu " CPUs / (daemon + client); of it = the median rate as a share of it"
            }
        }' "$1"
}

# /proc/PID/stat utime + stime, in clock ticks
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

bench_soak() {
    local duration=${DURATION:-600} base d fstype pid_o pid_r so sr
    local fo fr c0_o c0_r c1_o c1_r t n_o n_r hz
    base=$(awk '{ print $1 }' <<<"${STORAGE:-/dev/shm}")
    command -v fio >/dev/null || { echo "bench: soak needs fio" >&2; return; }
    d=$(mktemp -d "$base/qbench-soak.XXXXXX") || return
    fstype=$(nbd_fstype "$d")
    nbd_files "$d" o && nbd_files "$d" r || { rm -rf "$d"; return; }
    so=$d/ours.sock sr=$d/ref.sock
    pid_o=$(nbd_start "$qsd_ours" "$so" quorum3 "$d" o)
    pid_r=$(nbd_start "$qsd_ref" "$sr" quorum3 "$d" r)
    hz=$(getconf CLK_TCK)
    echo "soak: 16 fio clients per daemon (randrw 70% reads, 4k-64k, QD4 each),"
    echo "      ${duration}s, quorum of three ${nbd_mb} MiB raw files on $fstype, both daemons at once"
    # One fio process per daemon, 16 jobs: 16 NBD connections.
    for side in o r; do
        local sock=$so
        [ $side = r ] && sock=$sr
        fio --name=soak --ioengine=nbd --uri="nbd+unix:///e?socket=$sock" \
            --rw=randrw --rwmixread=70 --bssplit=4k/60:16k/25:64k/15 \
            --iodepth=4 --numjobs=16 --group_reporting \
            --runtime="$duration" --time_based --output-format=json \
            --output="$d/fio-$side.json" >/dev/null 2>&1 &
        [ $side = o ] && fo=$! || fr=$!
    done
    sleep 2
    c0_o=$(cpu_ticks "$pid_o") c0_r=$(cpu_ticks "$pid_r")
    printf '%6s %12s %12s\n' "t (s)" "ours RSS KiB" "QEMU RSS KiB"
    for ((t = 0; t <= duration - 10; t += 10)); do
        printf '%6d %12s %12s\n' "$t" "$(rss_kib "$pid_o")" "$(rss_kib "$pid_r")"
        sleep 10
    done | tee "$d/rss.txt"
    wait "$fo" "$fr"
    c1_o=$(cpu_ticks "$pid_o") c1_r=$(cpu_ticks "$pid_r")
    nbd_stop "$pid_o" "$pid_r"
    count_ios() {
        python3 -c 'import json, sys
t = open(sys.argv[1]).read()
j = json.loads(t[t.index("{"):])
print(sum(x["read"]["total_ios"] + x["write"]["total_ios"] for x in j["jobs"]))' "$1" 2>/dev/null || echo 0
    }
    n_o=$(count_ios "$d/fio-o.json") n_r=$(count_ios "$d/fio-r.json")
    awk -v a="$c0_o" -v b="$c1_o" -v n="$n_o" -v hz="$hz" -v who=ours \
        'BEGIN { printf "%-5s %10d requests, %8.1f CPU s, %6.2f us CPU per request\n", who, n, (b - a) / hz, n ? (b - a) / hz / n * 1e6 : 0 }'
    awk -v a="$c0_r" -v b="$c1_r" -v n="$n_r" -v hz="$hz" -v who=QEMU \
        'BEGIN { printf "%-5s %10d requests, %8.1f CPU s, %6.2f us CPU per request\n", who, n, (b - a) / hz, n ? (b - a) / hz / n * 1e6 : 0 }'
    # Flat: after the first minute, every sample within 10% of the median.
    for col in 2 3; do
        awk -v c=$col '$1 >= 60 { print $c }' "$d/rss.txt" | sort -n |
        awk -v who="$([ $col = 2 ] && echo ours || echo QEMU)" '
            { v[NR] = $1 }
            END {
                if (!NR) exit
                m = v[int((NR + 1) / 2)]
                printf "%-5s RSS after 60 s: min %d, median %d, max %d KiB (%+.1f%% / %+.1f%% of the median)\n",
                       who, v[1], m, v[NR], (v[1] - m) * 100 / m, (v[NR] - m) * 100 / m
            }'
    done
    rm -rf "$d"
}
