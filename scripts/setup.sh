#!/usr/bin/env bash
# Installs everything cratio needs to build and test on Debian 12 (run as root).
# The one list of packages: add a package here the day the code starts using it.
set -euo pipefail
PACKAGES=(
  build-essential g++ clang cmake ninja-build pkg-config git
  libcli11-dev nlohmann-json3-dev libfmt-dev libpcre2-dev libsqlite3-dev
  libopenblas-dev liblapacke-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev
  bzip2 python3
  chromium
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
