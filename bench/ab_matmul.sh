#!/usr/bin/env bash
# A/B of two cratio_matmul_bench binaries in one run: the two are alternated ROUNDS times
# (old, new, old, new, ...) so load changes hit both alike; prints, per benchmark, the CPU
# µs per call of every round and the ratio of the medians (old / new, > 1 = new faster).
#
# Usage: bench/ab_matmul.sh OLD_BIN NEW_BIN FILTER [ROUNDS]
#   e.g. bench/ab_matmul.sh /tmp/old_bench build/x/bench/cratio_matmul_bench \
#          'BM_Matmul/dtype:(1|3|4|10)/rows:2048/cols:2048/tokens:256/threads:1/' 5
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 OLD_BIN NEW_BIN FILTER [ROUNDS]" >&2; exit 2; }
OLD=$1 NEW=$2 FILTER=$3 ROUNDS=${4:-3}
for bin in "$OLD" "$NEW"; do
  [[ -x "$bin" ]] || { echo "$0: $bin is not an executable" >&2; exit 2; }
done
for _ in $(seq "$ROUNDS"); do
  for side in old new; do
    bin=$OLD
    [[ $side == new ]] && bin=$NEW
    "$bin" --benchmark_filter="$FILTER" --benchmark_min_time=0.3 2>/dev/null |
      awk -v side="$side" '/^BM_/ { for (i = 2; i <= NF; ++i) if ($i == "us") { n++; if (n == 2) { print side, $1, $(i - 1); break } } n = 0 }'
  done
done | python3 -c '
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in sys.stdin:
    side, name, us = line.split()
    runs[(name, side)].append(float(us))
for name in sorted({n for n, _ in runs}):
    old, new = runs[(name, "old")], runs[(name, "new")]
    if old and new:
        print(f"{name}\n  old {old}\n  new {new}\n  median old/new = "
              f"{statistics.median(old) / statistics.median(new):.2f}x")
'
