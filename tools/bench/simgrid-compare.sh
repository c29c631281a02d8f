#!/usr/bin/env bash
# ecsim against SimGrid on the M/M/c queue of issue 13, as whole processes, outputs written:
# c = 10 at rho = 0.8 and c = 2,000 at rho = 0.9 with 300,000 jobs, c = 10,000 at rho = 0.9 with
# 1,000,000 jobs (scenarios/bench/mmc-c*.json; tools/bench/simgrid_mmc.cpp is the same queue in
# SimGrid, drawing the same jobs from ecsim's streams). Each side runs RUNS times (default 5),
# alternating; the script prints each side's median wall time with its min-max spread, its median
# CPU time (user + system: steadier than wall time on a shared machine) and peak RSS, and
# SimGrid's medians over ecsim's.
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

# One timed whole process: appends "wall-seconds KB cpu-seconds" to FILE.
timed() {
  local file=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$scratch/time" "$@" >"$scratch/stdout"
  awk '{ print $1, $2, $3 + $4 }' "$scratch/time" >>"$file"
}

# Median of column COL of FILE.
median() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ t[NR] = $1 } END { print (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) }'; }
# "wall median (min-max), cpu median, RSS" of a FILE of timed() lines.
stats() {
  local range
  range=$(sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }')
  printf "%.2f s (%s), cpu %.2f s, %.0f MiB" "$(median "$1" 1)" "$range" "$(median "$1" 3)" \
    "$(sort -n -k2 "$1" | tail -n 1 | awk '{ print $2 / 1024 }')"
}
ratio() { awk -v s="$(median "$2" "$3")" -v e="$(median "$1" "$3")" 'BEGIN { printf "%.2f", s / e }'; }

printf "%-7s %-46s %-46s %s\n" case "ecsim run: wall (min-max), cpu, RSS" "SimGrid $model: wall (min-max), cpu, RSS" \
  "SimGrid/ecsim wall, cpu"
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
  printf "%-7s %-46s %-46s %sx, %sx\n" "$c" "$(stats "$scratch/ecsim-$c")" "$(stats "$scratch/simgrid-$c")" \
    "$(ratio "$scratch/ecsim-$c" "$scratch/simgrid-$c" 1)" "$(ratio "$scratch/ecsim-$c" "$scratch/simgrid-$c" 3)"
  # Both simulated the same jobs from the same streams: their mean waits agree to the microsecond.
  wait=$(tr -d ' \n' <"$scratch/out/summary.json" | grep -o '"wait":{"mean":[^,]*' | head -1 | cut -d: -f3)
  echo "        ecsim: mean wait $wait s; $(cat "$scratch/stdout")"
done
