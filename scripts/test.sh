#!/usr/bin/env bash
# Installs dependencies, builds the release preset and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release -j"$(nproc)" --timeout 900
