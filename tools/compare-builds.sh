#!/usr/bin/env bash
# Runs every bundled scenario with two ecsim binaries and compares their outputs byte for byte
# (run.json aside: it holds wall-clock figures).   usage: compare-builds.sh ECSIM_A ECSIM_B
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for scenario in scenarios/default.json scenarios/examples/*.json; do
  case "$scenario" in *.plan.json) continue ;; esac  # plan files, compared below
  name=$(basename "$scenario" .json)
  "$a" run "$scenario" -o "$work/a/$name" --quiet
  "$b" run "$scenario" -o "$work/b/$name" --quiet
  for f in summary.json tasks.csv instances.csv timeseries.csv timeseries-by-zone.csv timeseries-by-type.csv \
           cluster.dot cluster.svg report.html; do
    cmp "$work/a/$name/$f" "$work/b/$name/$f" || { echo "differs: $scenario $f" >&2; exit 1; }
  done
done
# Each example plan NAME.plan.json beside its scenario NAME.json: the planner's outputs too.
plans=0
for plan in scenarios/examples/*.plan.json; do
  [ -e "$plan" ] || continue
  name=$(basename "$plan" .plan.json)
  "$a" plan "scenarios/examples/$name.json" "$plan" -o "$work/plan-a/$name" --quiet
  "$b" plan "scenarios/examples/$name.json" "$plan" -o "$work/plan-b/$name" --quiet
  for f in plan.json plan.csv plan.html; do
    cmp "$work/plan-a/$name/$f" "$work/plan-b/$name/$f" || { echo "differs: $plan $f" >&2; exit 1; }
  done
  plans=$((plans + 1))
done
echo "identical outputs for $(ls "$work/a" | wc -l) scenarios and $plans plans"
