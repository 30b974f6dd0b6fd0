#!/usr/bin/env bash
# make demo: three replicas behind a quorum; one is corrupted behind the
# quorum's back, outvoted on read, reported, and repaired.
#
#   scripts/demo.sh [BUILD_DIR]     (default: build)
set -euo pipefail

build=$(realpath "${1:-build}")
io="$build/qemu-io"
report="$build/quorum-demo"     # reads and prints QUORUM_* events

dir=$(mktemp -d "${TMPDIR:-/tmp}/quorum-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

if [ -t 1 ]; then bold=$'\033[1m' off=$'\033[0m'; else bold= off=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }

q="driver=quorum,vote-threshold=2,node-name=quorum0"
for i in 0 1 2; do
    truncate -s 1M "replica$i.raw"
    q+=",children.$i.driver=raw,children.$i.node-name=replica$i"
    q+=",children.$i.file.filename=replica$i.raw"
done

step "Write 64 KiB of 0x5a through a 2-of-3 quorum"
"$io" --image-opts -c 'write -P 0x5a 0 64k' "$q"

step "Corrupt 512 bytes of replica2 directly (not through the quorum)"
"$io" -f raw -c 'write -P 0x66 4k 512' replica2.raw

step "Read through the quorum: the majority wins, the data is right"
"$io" --image-opts -c 'read -P 0x5a 0 64k' "$q"

step "What the vote reported (QUORUM_REPORT_BAD names the bad replica)"
"$report" "$q" 0 64k

step "Read again with rewrite-corrupted=on: the loser is rewritten"
"$report" "$q,rewrite-corrupted=on" 0 64k

step "Read replica2 directly: it is whole again"
"$io" -f raw -c 'read -P 0x5a 0 64k' replica2.raw

step "And the quorum has nothing left to report"
"$report" "$q" 0 64k
