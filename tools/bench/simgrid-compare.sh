#!/usr/bin/env bash
# ecsim against SimGrid on the M/M/c queue of issue 13, as whole processes, outputs written:
# c = 10 at rho = 0.8 and c = 2,000 at rho = 0.9 with 300,000 jobs, c = 10,000 at rho = 0.9 with
# 1,000,000 jobs (scenarios/bench/mmc-c*.json; tools/bench/simgrid_mmc.cpp is the same queue in
# SimGrid, drawing the same jobs from ecsim's streams). Each side runs RUNS times (default 5),
# alternating; the script prints each side's median wall time with its min-max spread and peak
# RSS, and SimGrid's median over ecsim's.
#
#   tools/bench/simgrid-compare.sh [BUILD_DIR]        (default ./build; needs libsimgrid-dev)
#   RUNS=7 CASES="c2000" MODEL=sleep tools/bench/simgrid-compare.sh
#
# MODEL picks how SimGrid passes a job's runtime: sleep (default: the worker actor sleeps, the
# cheapest SimGrid can do, so the strictest bar for ecsim) or execute (an execution timed by the
# host's CPU model, SimGrid's usual way to model work).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(realpath -m "${1:-$root/build}")
runs=${RUNS:-5}
cases=${CASES:-"c10 c2000 c10000"}
model=${MODEL:-sleep}

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DECSIM_SIMGRID_BENCH=ON
fi
cmake --build "$build" --target ecsim simgrid_mmc >/dev/null || {
  echo "simgrid-compare: building ecsim and simgrid_mmc failed (is libsimgrid-dev installed?" \
       "reconfigure with -DECSIM_SIMGRID_BENCH=ON to be told)" >&2
  exit 2
}
ecsim=$build/tools/ecsim
simgrid=$build/tools/simgrid_mmc
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# case -> scenario, servers, jobs, arrivals per hour (seed 7, mean runtime 60 s in both).
declare -A scenario=([c10]=mmc-c10.json [c2000]=mmc-c2000.json [c10000]=mmc-c10000-1m.json)
declare -A servers=([c10]=10 [c2000]=2000 [c10000]=10000)
declare -A jobs=([c10]=300000 [c2000]=300000 [c10000]=1000000)
declare -A rate=([c10]=480 [c2000]=108000 [c10000]=540000)

# One timed whole process: appends "seconds KB" to FILE.
timed() {
  local file=$1
  shift
  /usr/bin/time -f "%e %M" -o "$scratch/time" "$@" >"$scratch/stdout"
  cat "$scratch/time" >>"$file"
}

# "median (min-max) s, RSS MiB" of a FILE of "seconds KB" lines.
stats() {
  sort -n "$1" | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "%.2f s (%.2f-%.2f), %.0f MiB", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[1], t[NR], m / 1024 }'
}
median() { sort -n "$1" | awk '{ t[NR] = $1 } END { print (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) }'; }

printf "%-7s %-34s %-34s %s\n" case "ecsim run (median, min-max, RSS)" "SimGrid $model (median, min-max, RSS)" "SimGrid/ecsim"
for c in $cases; do
  [[ -n ${scenario[$c]:-} ]] || { echo "simgrid-compare: unknown case $c (c10, c2000, c10000)" >&2; exit 2; }
  : >"$scratch/ecsim-$c"
  : >"$scratch/simgrid-$c"
  for ((i = 0; i < runs; ++i)); do
    rm -rf "$scratch/out"
    timed "$scratch/ecsim-$c" "$ecsim" run "$root/scenarios/bench/${scenario[$c]}" -o "$scratch/out" --quiet
    timed "$scratch/simgrid-$c" "$simgrid" --servers "${servers[$c]}" --jobs "${jobs[$c]}" \
      --rate-per-hour "${rate[$c]}" --mean-runtime 60 --seed 7 --model "$model" --output "$scratch/simgrid.csv"
  done
  ratio=$(awk -v s="$(median "$scratch/simgrid-$c")" -v e="$(median "$scratch/ecsim-$c")" 'BEGIN { printf "%.2f", s / e }')
  printf "%-7s %-34s %-34s %sx\n" "$c" "$(stats "$scratch/ecsim-$c")" "$(stats "$scratch/simgrid-$c")" "$ratio"
  # Both simulated the same jobs from the same streams: their mean waits agree to the microsecond.
  wait=$(tr -d ' \n' <"$scratch/out/summary.json" | grep -o '"wait":{"mean":[^,]*' | head -1 | cut -d: -f3)
  echo "        ecsim: mean wait $wait s; $(cat "$scratch/stdout")"
done
