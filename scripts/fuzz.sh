#!/usr/bin/env bash
# Builds every libFuzzer harness (clang, -fsanitize=fuzzer,address,undefined) and runs
# each for SECONDS, one after the other, at the lowest CPU priority. Prints executions
# and coverage per harness; exits 1 if any harness found a crash, leak, timeout or an
# allocation above the limit (the input is left under $BUILD/findings/).
#   bash scripts/fuzz.sh SECONDS [HARNESS...]
# Env: CRATIO_FUZZ_BUILD (default build/fuzz), CRATIO_DATA (real seed files, optional),
# CRATIO_FUZZ_JOBS (harnesses run at once, default 1),
# CRATIO_BIN (a built `cratio` to make the tiny seed models; default: built here).
# See docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:?usage: scripts/fuzz.sh SECONDS [HARNESS...]}
shift
ALL=(gguf safetensors llama2c llama2c_tokenizer tokenizer_json tokenizer_encode eval_datasets
     task_spec)
[ $# -gt 0 ] && HARNESSES=("$@") || HARNESSES=("${ALL[@]}")
BUILD=${CRATIO_FUZZ_BUILD:-build/fuzz}

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCRATIO_FUZZ=ON -DCRATIO_BUILD_TESTS=OFF -DCRATIO_BUILD_BENCH=OFF >/dev/null
fi
CRATIO_BIN=${CRATIO_BIN:-}
if [ -z "$CRATIO_BIN" ]; then
  nice -n 19 ninja -C "$BUILD" cratio
  CRATIO_BIN="$BUILD/cratio"
fi
nice -n 19 ninja -C "$BUILD" "${HARNESSES[@]/#/fuzz_}"

# Seeds are regenerated each run (cheap); the corpus directory keeps what fuzzing found.
rm -rf "$BUILD/seeds"
python3 fuzz/make_seeds.py "$CRATIO_BIN" "$BUILD/seeds"
mkdir -p "$BUILD/findings"

max_len() {
  case $1 in
    tokenizer_encode) echo 4096 ;;
    llama2c_tokenizer) echo 16384 ;;  # ~2000 tokens: building a 32000-token vocabulary per input is slow
    safetensors | tokenizer_json | eval_datasets | task_spec) echo 65536 ;;
    *) echo 131072 ;;
  esac
}

# One harness: fuzz, then one summary line in $BUILD/summary_<harness>.txt.
run_one() {
  local h=$1 corpus="$BUILD/corpus/$1" log="$BUILD/fuzz_$1.log"
  mkdir -p "$corpus" "$BUILD/seeds/$h"
  echo "== fuzz_$h for ${SECONDS_EACH}s (log: $log)"
  local result=ok
  # -malloc_limit_mb: no input of <= 128 KiB justifies a single allocation of 256 MiB.
  if ! nice -n 19 "$BUILD/fuzz/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=256 -max_len="$(max_len "$h")" \
      -print_final_stats=1 -artifact_prefix="$BUILD/findings/$h-" \
      "$corpus" "$BUILD/seeds/$h" >"$log" 2>&1; then
    echo "   FINDING in $h: see $log and $BUILD/findings/"
    result=FINDING
  fi
  local execs rate cov units
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || echo "cov: ? ft: ?")
  units=$(ls "$corpus" | wc -l)
  printf '%-18s %12s execs %6s/s  %-22s corpus %-6s %s\n' "$h" "$execs" "$rate" "$cov" \
    "$units" "$result" >"$BUILD/summary_$h.txt"
}

# CRATIO_FUZZ_JOBS harnesses at a time (default 1: the machine is shared).
jobs=${CRATIO_FUZZ_JOBS:-1}
for h in "${HARNESSES[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$h" &
done
wait
echo
echo "harness             executions       rate  coverage (edges, features) corpus result"
status=0
for h in "${HARNESSES[@]}"; do
  cat "$BUILD/summary_$h.txt"
  grep -q ' ok$' "$BUILD/summary_$h.txt" || status=1
done
exit $status
