#!/usr/bin/env bash
# README command one: install what is missing, build Release, run the bundled default scenario.
#   ./tools/run-default.sh [extra ecsim run options, e.g. -o DIR --seed 7]
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DECSIM_TESTS=OFF -DECSIM_BENCHMARKS=OFF >/dev/null
cmake --build build/release --target ecsim
./build/release/tools/ecsim run scenarios/default.json "$@"
