#!/usr/bin/env bash
# Installs dependencies, builds cratio, and runs the main job: `cratio demo` compresses a
# model the classic ways (INT8, INT4, structured and unstructured pruning, low rank, a
# combination), evaluates every variant against the base and writes the report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release -DCRATIO_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release --target cratio
./build/release/cratio demo -o out/demo "$@"
echo "HTML report: $(pwd)/out/demo/report.html"
