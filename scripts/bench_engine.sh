#!/usr/bin/env bash
# The end-to-end engine table of docs/PERFORMANCE.md: makes the `110m` and `1b` random
# Llama models (F16) with `cratio make-model`, converts each to Q8_0, Q4_0 and Q4_K, and
# runs `cratio bench` on every file; prints one row per model with llama.cpp's figures
# on the same machine beside ours.
#
# Usage: scripts/bench_engine.sh [BUILD_DIR] [WORK_DIR]
#   BUILD_DIR  holds the cratio binary (default build/release)
#   WORK_DIR   where the models and JSON results go (default /tmp/cratio_bench_engine;
#              ~4 GB for 1b F16 plus its conversions)
# Environment: THREADS (default 2), PROMPT (512), GEN (128), REPS (3), PRESETS ("110m 1b"),
#   DTYPES ("f16 q8_0 q4_0 q4_k_m"; q4_k_m is made by `cratio compress --method q4_k_m`,
#   llama.cpp's mixture, the others by `cratio convert`; q4_k, pure Q4_K, is also accepted). CRATIO_AMX=0 (passed through to cratio) measures
#   without the AMX prefill kernels on a CPU that has AMX.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build/release}"
WORK_DIR="${2:-/tmp/cratio_bench_engine}"
THREADS="${THREADS:-2}"
PROMPT="${PROMPT:-512}"
GEN="${GEN:-128}"
REPS="${REPS:-3}"
PRESETS="${PRESETS:-110m 1b}"
DTYPES="${DTYPES:-f16 q8_0 q4_0 q4_k_m}"
CRATIO="$BUILD_DIR/cratio"
[[ -x "$CRATIO" ]] || { echo "no cratio binary at $CRATIO (build first)" >&2; exit 2; }
mkdir -p "$WORK_DIR"

# llama.cpp (llama-bench, 2 threads) on this machine: "pp512 tg128" tok/s.
# llama.cpp's column for q4_k_m is its Q4_K_M; pure q4_k is compared with the same figures.
declare -A LLAMA=(
  [1b/f16]="173 20.0" [1b/q8_0]="140 34.4" [1b/q4_0]="259 57.1" [1b/q4_k_m]="183 65.1"
  [110m/f16]="1630 178" [110m/q8_0]="1370 293" [110m/q4_0]="2264 451" [110m/q4_k_m]="1788 437"
  [1b/q4_k]="183 65.1" [110m/q4_k]="1788 437"
)

for preset in $PRESETS; do
  f16="$WORK_DIR/$preset-f16.gguf"
  if [[ ! -f "$f16" ]]; then
    echo "making $f16" >&2
    "$CRATIO" make-model --preset "$preset" --dtype f16 -o "$f16" -t "$THREADS" >&2
  fi
  for dtype in $DTYPES; do
    [[ "$dtype" == f16 ]] && continue
    out="$WORK_DIR/$preset-$dtype.gguf"
    if [[ ! -f "$out" ]]; then
      echo "converting $out" >&2
      if [[ "$dtype" == q4_k_m ]]; then
        "$CRATIO" compress "$f16" -o "$out" --method q4_k_m -t "$THREADS" >&2
      else
        "$CRATIO" convert "$f16" "$out" --dtype "$dtype" -t "$THREADS" >&2
      fi
    fi
  done
done

json_field() {  # json_field FILE EXPR — one number from a bench JSON via python3
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

printf '\n%-6s %-6s | %9s %9s %6s | %9s %9s %6s | %6s %6s\n' model dtype \
  "pp$PROMPT" llama.cpp ratio "tg$GEN" llama.cpp ratio "pp%pk" "tg%bw"
for preset in $PRESETS; do
  for dtype in $DTYPES; do
    model="$WORK_DIR/$preset-$dtype.gguf"
    result="$WORK_DIR/$preset-$dtype.json"
    echo "bench $model" >&2
    "$CRATIO" bench "$model" -p "$PROMPT" -n "$GEN" -r "$REPS" -t "$THREADS" --no-hash \
      --json >"$result"
    pp=$(json_field "$result" "round(j['pp']['mean_tok_per_s'], 1)")
    tg=$(json_field "$result" "round(j['tg']['mean_tok_per_s'], 2)")
    pp_pct=$(json_field "$result" "round(j['pp']['pct_of_peak_flops'], 1)")
    tg_pct=$(json_field "$result" "round(j['tg']['pct_of_read_bandwidth'], 1)")
    read -r llama_pp llama_tg <<<"${LLAMA[$preset/$dtype]:-nan nan}"
    pp_ratio=$(python3 -c "print(f'{$pp/$llama_pp:.2f}')" 2>/dev/null || echo "-")
    tg_ratio=$(python3 -c "print(f'{$tg/$llama_tg:.2f}')" 2>/dev/null || echo "-")
    printf '%-6s %-6s | %9s %9s %6s | %9s %9s %6s | %6s %6s\n' "$preset" "$dtype" \
      "$pp" "$llama_pp" "$pp_ratio" "$tg" "$llama_tg" "$tg_ratio" "$pp_pct" "$tg_pct"
  done
done
first="$WORK_DIR/$(set -- $PRESETS; echo "$1")-$(set -- $DTYPES; echo "$1").json"
python3 - "$first" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
e, r = j["environment"], j["roofline"]
print(f"\nmachine: {e['cpu_model']}, {e['kernel_isa']} kernels, {e['threads']} threads, "
      f"{e['build_type']} build ({e['compiler']})")
# The peak is the AMX-BF16 tile probe when the AVX-512 table's AMX prefill route is on
# (bench/roofline.h; CRATIO_AMX=0 gives the f32 FMA probe); peak_flops_isa says "avx512"
# either way.
print(f"roofline: read {r['read_bandwidth_bytes_per_s']/1e9:.2f} GB/s, peak "
      f"{r['peak_flops_per_s']/1e9:.1f} GFLOP/s ({r['peak_flops_isa']}; AMX-BF16 tiles when "
      f"the AMX route is on, else f32 FMA)")
PY
