#!/usr/bin/env bash
# Sharded projection benchmarks (issue 19), from the repository root, release build:
#   swift build -c release --product migkit
#   Benchmarks/projection/shards.sh exact [scenario.toml]   # one 10,000-draw run vs 4 × 2,500 + merge (CPU, bytes)
#   Benchmarks/projection/shards.sh sketch [scenario.toml]  # 100 sketch-mode shards of 101 draws, merged
#   THREADS=1 PARALLEL=2 Benchmarks/projection/shards.sh exact …  # shards on 1 thread each, 2 at a time
#     (as an array job with --cpus-per-task=1 runs them on a 2-core node); default: one after another, 2 threads
# Every process is timed with /usr/bin/time (user, sys, wall, peak RSS); the merged exact run is
# compared with the single run byte for byte. W (default /tmp/migkit-shards) holds the runs.
set -euo pipefail
M=${MIGKIT:-.build/release/migkit}
W=${W:-/tmp/migkit-shards}
mode=${1:-exact}
file=${2:-}
T="%U user %S sys %e wall %M KB"
uptime
case "$mode" in
  exact)
    rm -rf "$W/single" "$W/shards" "$W/merged"
    /usr/bin/time -f "single 10000: $T" "$M" project $file --draws 10000 --threads 2 -q -o "$W/single"
    seq 1 4 | xargs -P "${PARALLEL:-1}" -I{} /usr/bin/time -f "shard {}/4: $T" "$M" project $file --draws 10000 \
      --threads "${THREADS:-2}" --shard {}/4 -q -o "$W/shards/{}" >/dev/null
    du -cb "$W"/shards/*/shard.bin | tail -1
    /usr/bin/time -f "merge: $T" "$M" merge "$W"/shards/{1,2,3,4} --threads 2 -o "$W/merged" >/dev/null
    for f in "$W"/single/*.csv "$W"/single/manifest.json "$W"/single/report.html; do cmp "$f" "$W/merged/$(basename "$f")"; done
    echo "merged run identical to the single run"
    ;;
  sketch)
    rm -rf "$W/sketch" "$W/sketch-merged"
    # 100 shards of a 10,100-draw run (beyond the 10,000-draw exact limit: sketch mode), two at a time.
    seq 1 100 | xargs -P 2 -I{} "$M" project $file --draws 10100 --threads 1 --shard {}/100 -q -o "$W/sketch/{}" >/dev/null
    du -cb "$W"/sketch/*/shard.bin | tail -1
    cat "$W"/sketch/*/shard.bin >/dev/null   # in the page cache, as after the array job on one node
    /usr/bin/time -f "merge of 100 sketch shards: $T" "$M" merge $(seq -f "$W/sketch/%g" 1 100) --threads 2 -o "$W/sketch-merged" >/dev/null
    ;;
esac
uptime
