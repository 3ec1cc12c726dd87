#!/usr/bin/env bash
# Installs dependencies, builds cratio, and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release -DCRATIO_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release --target cratio
mkdir -p out
./build/release/cratio make-model --preset tiny --seed 1 -o out/tiny.gguf --force
./build/release/cratio info out/tiny.gguf
