#!/usr/bin/env bash
# README command two (and .ci/run): install what is missing, then build and test
#   1. GCC, Release, warnings as errors: the whole suite through ctest, benchmarks built;
#   2. Clang, AddressSanitizer + UBSan, warnings as errors: the whole suite again;
#   3. Clang with libFuzzer: the fuzz targets (the scenario loader, with a dictionary of every
#      key and extreme values; `ecsim report`'s readers) built and run 30 s each on their corpus;
#   4. the GCC and Clang builds' outputs of every bundled scenario compared byte for byte;
#   5. an `ecsim sweep` as a Slurm array job on a single-node Slurm started for the purpose;
#   6. fault injection on output directories (tools/fault-test.py): a full tmpfs, SIGKILL/SIGTERM/
#      SIGINT at random moments of the output phase, concurrent runs into one directory, with the
#      GCC build and the sanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/install-deps.sh --with-browser  # chromium for the browser test
jobs=$(nproc)

echo "== gcc release (-Werror)"
cmake -S . -B build/gcc -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DECSIM_WERROR=ON >/dev/null
cmake --build build/gcc -j "$jobs"
# Every Catch2 case must be its own ctest test: a name that CMake splits or merges (";", "[")
# would silently run nothing.
# (Catch2 v2 exits with the number of tests listed, hence the "|| true".)
cases=$({ build/gcc/tests/ecsim_tests --list-test-names-only || true; } | grep -c .)
registered=$(ctest --test-dir build/gcc -N | sed -n 's/^Total Tests: //p')
[ "$cases" = "$registered" ] || { echo "ctest registers $registered tests, Catch2 has $cases" >&2; exit 1; }
# ctest passes each name to the test binary, which would read a leading '-' as an option.
if { build/gcc/tests/ecsim_tests --list-test-names-only || true; } | grep -q '^-'; then
  echo "a Catch2 case name starts with '-' (ctest would pass it as an option)" >&2
  exit 1
fi
ctest --test-dir build/gcc --output-on-failure -j "$jobs"

echo "== clang asan+ubsan (-Werror)"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DECSIM_WERROR=ON -DECSIM_SANITIZE=ON -DECSIM_BENCHMARKS=OFF >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== clang libFuzzer targets"
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DECSIM_WERROR=ON -DECSIM_SANITIZE=ON -DECSIM_FUZZ=ON -DECSIM_TESTS=OFF -DECSIM_BENCHMARKS=OFF >/dev/null
cmake --build build/fuzz -j "$jobs"
for fuzzer in build/fuzz/tools/*_fuzz; do
  corpus="tools/fuzz/corpus/$(basename "$fuzzer" _fuzz)"
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  dict="tools/fuzz/$(basename "$fuzzer" _fuzz).dict"
  dict_arg=()
  [ -f "$dict" ] && dict_arg=("-dict=$dict")
  "$fuzzer" -max_total_time=30 -timeout=5 -rss_limit_mb=2048 "${dict_arg[@]}" "$work" >/dev/null 2>"$work.log" ||
    { tail -50 "$work.log"; exit 1; }
  rm -rf "$work" "$work.log"
done

echo "== gcc and clang builds give byte-identical outputs"
./tools/compare-builds.sh build/gcc/tools/ecsim build/asan/tools/ecsim

echo "== sweep on a single-node Slurm"
# Starts slurmctld, slurmd and munged of its own, runs an `ecsim sweep` array job and a dependent
# merge, and compares the merged table with a local sweep byte for byte (about 20 s).
./tools/slurm-test.sh build/gcc/tools/ecsim

echo "== fault injection on output directories"
python3 tools/fault-test.py build/gcc/tools/ecsim --trials 4
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 python3 tools/fault-test.py build/asan/tools/ecsim --trials 2
echo "all checks passed"
