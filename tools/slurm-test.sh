#!/usr/bin/env bash
# `ecsim sweep` on a real Slurm: starts a single-node cluster here (Debian's slurmctld, slurmd and
# munge, run directly, no systemd), submits a sweep's generated array job and a dependent merge
# job, waits for them, and compares the merged sweep.json and sweep.csv byte for byte with a local
# `ecsim sweep` of the same sweep file. Then stops the daemons it started and removes its files.
#   tools/slurm-test.sh BUILD_DIR/tools/ecsim
# Installs the packages when missing (sudo when not root). Everything else lives in one temporary
# directory: its own munge key and socket, slurm.conf (SLURM_CONF), state, spool and logs, and
# ports of its own, so it neither needs nor touches a Slurm or munge already on the machine.
set -euo pipefail

usage="usage: tools/slurm-test.sh BUILD_DIR/tools/ecsim"
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
[ -x "$1" ] || { echo "slurm-test: $1 is not an executable ($usage)" >&2; exit 2; }
ecsim=$(realpath "$1")
timeout_s=${ECSIM_SLURM_TIMEOUT:-90}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=""
for tool in slurmctld slurmd sbatch squeue sinfo scontrol munged mungekey; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || missing=1
done
if [ -n "$missing" ]; then
  echo "== installing slurmctld slurmd slurm-client munge"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"

work=$(mktemp -d /tmp/ecsim-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local status=$?
  # The daemons this script started, by their process ids (the last first).
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    $sudo kill "${pids[i]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do $sudo kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "$status" -ne 0 ]; then
    for log in slurmctld.log slurmd.log munged.log; do
      [ -f "$work/$log" ] && { echo "--- $log (last lines)"; $sudo tail -20 "$work/$log"; } >&2
    done
    for log in "$work"/sweep/logs/*; do
      [ -s "$log" ] && { echo "--- $log"; tail -5 "$log"; } >&2
    done
  fi
  $sudo rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Munge: a key and a socket of our own.
$sudo mkdir -p "$work/munge"
$sudo mungekey --create --keyfile="$work/munge/munge.key" --force
$sudo chmod 700 "$work/munge"
$sudo chmod 400 "$work/munge/munge.key"
$sudo munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket.2" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/munged.seed" \
  >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/munge/munge.socket.2" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket.2" ] || { echo "slurm-test: munged did not start" >&2; exit 1; }
# The socket's directory must let the job's user (and slurm's) reach it.
$sudo chmod 755 "$work/munge"

# slurm.conf: this machine as the one node, with the CPUs and memory slurmd sees; the daemons
# run as root (directly, or under sudo), jobs as the user who submits them.
node=$(hostname -s)
hw=$(slurmd -C | head -1)
cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
memory=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
# Two free ports of our own (slurmctld's and slurmd's): a Slurm already here keeps 6817 and 6818.
port_in_use() { grep -qi "$(printf ':%04X ' "$1")" /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
for _ in $(seq 50); do
  port=$((20000 + RANDOM % 20000))
  port_in_use "$port" || port_in_use $((port + 1)) || break
done
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<EOF
ClusterName=ecsimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket.2
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=ecsim Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
$sudo env SLURM_CONF="$SLURM_CONF" slurmctld -D -i >/dev/null 2>&1 &
pids+=($!)
$sudo env SLURM_CONF="$SLURM_CONF" slurmd -D -N "$node" >/dev/null 2>&1 &
pids+=($!)
state=""
for _ in $(seq 300); do
  state=$(sinfo -h -N -n "$node" -o %t 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.2
done
[ "$state" = "idle" ] || { echo "slurm-test: node $node not idle after 60 s (state \"$state\")" >&2; exit 1; }
echo "== single-node Slurm up: $node, $cpus CPUs, $memory MiB ($(sinfo -V))"

# The sweep: the bundled web-and-etl scenario, two instance counts x two strategies x two seeds.
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/scenarios"
cp -r "$src/scenarios/examples" "$src/scenarios/taskdefs" "$work/scenarios/"
cat >"$work/sweep-spec.json" <<'EOF'
{
  "scenario": "scenarios/examples/web-and-etl.json",
  "vary": [{"set": "duration", "values": ["2h", "3h"]}],
  "strategies": ["binpack:memory", "spread:attribute:ecs.availability-zone"],
  "seeds": 2
}
EOF
chmod -R a+rX "$work"
# Emitting checks every run's memory on this machine's: with 1 KiB counted on, none fits, and
# the command exits 2 before writing anything.
status=0
ECSIM_MEMORY_AVAILABLE=1K "$ecsim" sweep "$work/sweep-spec.json" -o "$work/refused" --emit slurm 2>"$work/refused.txt" || status=$?
if [ "$status" != 2 ] || [ -e "$work/refused" ]; then
  echo "slurm-test: --emit slurm with 1 KiB of memory exited $status (expected 2, nothing written):" >&2
  cat "$work/refused.txt" >&2
  exit 1
fi
"$ecsim" sweep "$work/sweep-spec.json" -o "$work/sweep" --emit slurm --jobs 2
chmod -R a+rwX "$work/sweep"
jobid=$(sbatch --parsable "$work/sweep/sweep.sbatch")
mergeid=$(sbatch --parsable --dependency=afterany:"$jobid" --output="$work/sweep/logs/merge.out" \
  --wrap "'$ecsim' sweep merge '$work/sweep'")
echo "== submitted array job $jobid and merge job $mergeid"
# Waits until none of the jobs (comma-separated ids) is queued or running.
wait_for() {
  local begin=$SECONDS
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do
    if ((SECONDS - begin > timeout_s)); then
      squeue >&2 || true
      echo "slurm-test: jobs $1 still queued or running after $timeout_s s" >&2
      exit 1
    fi
    sleep 0.5
  done
}
start=$SECONDS
wait_for "$jobid,$mergeid"
merge_state=$(scontrol show job "$mergeid" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
failed=$(scontrol show job "$jobid" | grep -c 'JobState=\(FAILED\|CANCELLED\|TIMEOUT\|NODE_FAIL\|OUT_OF_MEMORY\)' || true)
echo "== array elements done in $((SECONDS - start)) s (failed: $failed), merge job $merge_state"
cat "$work/sweep/logs/merge.out"
[ "$failed" = 0 ] || { echo "slurm-test: $failed array elements failed" >&2; exit 1; }
[ "$merge_state" = COMPLETED ] || { echo "slurm-test: the merge job ended $merge_state" >&2; exit 1; }

"$ecsim" sweep "$work/sweep-spec.json" -o "$work/local" --quiet
for file in sweep.json sweep.csv; do
  cmp "$work/sweep/$file" "$work/local/$file" || { echo "slurm-test: $file differs from the local sweep's" >&2; exit 1; }
done
echo "== the Slurm sweep's sweep.json and sweep.csv equal the local sweep's byte for byte"

# A lost element: its run directory gone, merge names it, the script's array resubmitted for
# that element alone, and the merge is the same again.
rm -rf "$work/sweep/runs/00003"
"$ecsim" sweep merge "$work/sweep" --quiet 2>"$work/missing.txt"
grep -qx "ecsim sweep merge: 1 of 8 runs missing: 3" "$work/missing.txt" ||
  { echo "slurm-test: merge did not name run 3 as missing:" >&2; cat "$work/missing.txt" >&2; exit 1; }
rerun=$(sbatch --parsable --array=3 "$work/sweep/sweep.sbatch")
wait_for "$rerun"
"$ecsim" sweep merge "$work/sweep" --quiet
for file in sweep.json sweep.csv; do
  cmp "$work/sweep/$file" "$work/local/$file" || { echo "slurm-test: $file differs after the rerun" >&2; exit 1; }
done
echo "== element 3 lost, named missing by merge, run again alone (job $rerun): the same bytes"
