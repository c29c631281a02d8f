#!/usr/bin/env python3
"""Fault injection for ecsim's output directories (reports/output_dir.h), run by tools/test.sh.

  tools/fault-test.py PATH/TO/ecsim [--trials N] [--seed S]

After every fault below, the output directory must hold either the previous complete run or the
new complete run (`ecsim report` verifies every file against summary.json's run identity), never
a mix, and no temporary file or staging directory may survive the next run:

  1. A full disk: a small tmpfs (mounted in a private user and mount namespace with `unshare`,
     so no root is needed) that holds one run but not two; the second run must fail with exit 2,
     naming the error, and leave the first run as it was. Where namespaces are unavailable, a
     file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes the writes fail instead.
  2. Kills: SIGKILL, SIGTERM and SIGINT at random moments of the output phase (after the staging
     directory appears). SIGTERM and SIGINT must leave nothing behind; after SIGKILL the next run
     removes the leftovers and says so.
  3. Concurrent runs: four runs with different seeds into one directory at once: the ones that
     get the lock finish (exit 0), the others are refused (exit 2, naming the directory), and
     the directory holds the run of one that finished.
Exit status 0 when every check holds; 1 with the failures listed otherwise.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SCENARIO = "scenarios/examples/mmc-queue.json"
DURATION = "7d"  # about 13 MB of outputs, written in about a third of a second

failures = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


def run_args(ecsim, scenario, out, seed):
    return [ecsim, "run", scenario, "--duration", DURATION, "--seed", str(seed), "-o", out, "--quiet"]


def run(ecsim, scenario, out, seed, **kw):
    return subprocess.run(run_args(ecsim, scenario, out, seed), capture_output=True, text=True, **kw)


def hidden(parent):
    return sorted(n for n in os.listdir(parent) if n.startswith("."))


def seed_of(out):
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)["seed"]


def verified(ecsim, out):
    """ecsim report checks every file against summary.json's run identity before writing; as the
    next writer of the directory it also clears what a killed run left, and says so on stderr."""
    r = subprocess.run([ecsim, "report", out, "--quiet"], capture_output=True, text=True)
    return r.returncode == 0, r.stderr.strip()


def snapshot(out):
    files = {}
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name), "rb") as f:
            files[name] = f.read()
    return files


def full_disk(ecsim, scenario, work):
    print("full disk", flush=True)
    size = None
    probe = os.path.join(work, "probe")
    r = run(ecsim, scenario, probe, 5)
    check(r.returncode == 0, "a run to size the disk")
    size = sum(os.path.getsize(os.path.join(probe, n)) for n in os.listdir(probe))
    shutil.rmtree(probe)
    mount = os.path.join(work, "disk")
    os.makedirs(mount)
    # Room for one run and a half: the second run's staging directory cannot fit beside the first.
    kib = size * 3 // 2 // 1024
    inner = (
        "set -e; mount -t tmpfs -o size={kib}k tmpfs {mount}; "
        "{me} --inside-full-disk {ecsim} {scenario} {mount}"
    ).format(kib=kib, mount=mount, me=sys.executable + " " + os.path.abspath(__file__), ecsim=ecsim, scenario=scenario)
    wrapped = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", inner]
    if os.geteuid() == 0:
        wrapped = ["unshare", "--mount", "sh", "-c", inner]
    r = subprocess.run(wrapped, capture_output=True, text=True)
    if "FALLBACK" in r.stdout or (r.returncode != 0 and "ok    " not in r.stdout and "FAIL" not in r.stdout):
        print("  (no tmpfs in a private namespace here: %s; a file size limit instead)" % r.stderr.strip()[:200])
        inside_full_disk(ecsim, scenario, os.path.join(work, "fsize"), fsize=size // 2)
        return
    sys.stdout.write(r.stdout)
    for line in r.stdout.splitlines():
        if line.startswith("  FAIL  "):
            failures.append(line[8:])
    check(r.returncode == 0, "the full-disk checks ran to the end (%s)" % r.stderr.strip()[:200])


def inside_full_disk(ecsim, scenario, disk, fsize=None):
    os.makedirs(disk, exist_ok=True)
    out = os.path.join(disk, "out")
    r = run(ecsim, scenario, out, 5)
    check(r.returncode == 0, "seed 5 fits on the disk")
    before = snapshot(out)

    def limit():
        if fsize is not None:
            import resource
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    r = subprocess.run(run_args(ecsim, scenario, out, 6), capture_output=True, text=True, preexec_fn=limit)
    check(r.returncode == 2, "seed 6 on a full disk exits 2 (got %d)" % r.returncode)
    reason = "No space left on device" if fsize is None else "File too large"
    check(reason in r.stderr and r.stderr.startswith("ecsim: cannot write outputs: "),
          "the message names the error: " + r.stderr.strip()[:160])
    check(snapshot(out) == before, "the seed-5 directory is byte for byte as it was")
    check(hidden(disk) == [], "nothing left beside it: %s" % hidden(disk))
    ok, err = verified(ecsim, out)
    check(ok and seed_of(out) == 5, "ecsim report reads it as one run: " + err[:160])


def kills(ecsim, scenario, work, trials, rng):
    print("kills during the output phase", flush=True)
    out = os.path.join(work, "kill", "out")
    parent = os.path.dirname(out)
    os.makedirs(parent)
    # How long the output phase lasts: from the staging directory's appearance to the exit.
    p = subprocess.Popen(run_args(ecsim, scenario, out, 1), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while p.poll() is None and not any(n.startswith(".out.ecsim-new-") for n in os.listdir(parent)):
        time.sleep(0.0005)
    start = time.monotonic()
    check(p.wait() == 0, "a first complete run")
    phase = max(time.monotonic() - start, 0.01)
    print("  (output phase: %.3f s; signals land at random within it)" % phase, flush=True)
    seed = 1
    for trial in range(trials):
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            seed += 1
            previous = seed_of(out)
            p = subprocess.Popen(run_args(ecsim, scenario, out, seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
            # Wait for the output phase: the staging directory appears when the simulation is done.
            deadline = time.monotonic() + 30
            while p.poll() is None and time.monotonic() < deadline:
                if any(n.startswith(".out.ecsim-new-") for n in os.listdir(parent)):
                    break
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, phase))
            p.send_signal(sig)
            _, err = p.communicate()
            name = signal.Signals(sig).name
            finished = p.returncode == 0
            check(p.returncode in (0, -sig), "%s, seed %d: ended by the signal or finished first (status %d)" %
                  (name, seed, p.returncode))
            now = seed_of(out)
            # The previous run, or the new one complete (a signal may land after the swap).
            check(now == seed or (now == previous and not finished),
                  "%s, seed %d: the directory holds seed %d, a complete run (previous %d)" % (name, seed, now, previous))
            left = hidden(parent)
            if sig != signal.SIGKILL:
                check(left == [], "%s, seed %d: nothing left behind: %s" % (name, seed, left))
            # The next writer of the directory (here ecsim report) clears, and names, what a
            # killed one left, after checking that every file belongs to one run.
            ok, err_report = verified(ecsim, out)
            check(ok, "%s, seed %d: every file belongs to one run %s" % (name, seed, err_report[:160]))
            if any(n.startswith(".out.ecsim-new-") or n.startswith(".out.ecsim-old-") for n in left):
                check("left by an interrupted ecsim process" in err_report,
                      "%s: the next writer reports the leftovers %s: %s" % (name, left, err_report[:160]))
            check(hidden(parent) == [], "%s: after the next writer nothing is left: %s" % (name, hidden(parent)))
            seed += 1
            r = run(ecsim, scenario, out, seed)
            check(r.returncode == 0, "%s: the next run (seed %d) completes" % (name, seed))
            check(hidden(parent) == [] and not any(n.startswith(".") for n in os.listdir(out)),
                  "%s: after the next run no temporary file beside or inside the directory" % name)


def concurrent(ecsim, scenario, work):
    print("concurrent runs into one directory", flush=True)
    out = os.path.join(work, "concurrent", "out")
    os.makedirs(os.path.dirname(out))
    procs = {s: subprocess.Popen(run_args(ecsim, scenario, out, s), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for s in (11, 12, 13, 14)}
    results = {s: (p.wait(), p.stderr.read()) for s, p in procs.items()}
    finished = [s for s, (rc, _) in results.items() if rc == 0]
    refused = [s for s, (rc, _) in results.items() if rc == 2]
    check(len(finished) + len(refused) == 4, "each run finished or was refused: %s" % {s: rc for s, (rc, _) in results.items()})
    check(len(finished) >= 1, "at least one finished")
    for s in refused:
        err = results[s][1]
        check("is being written by another ecsim process (pid " in err and out in err,
              "seed %d refused naming the directory and the holder: %s" % (s, err.strip()[:160]))
    ok, err = verified(ecsim, out)
    check(ok, "the directory is one run's " + err[:160])
    check(seed_of(out) in finished, "it is the run of one that finished (seed %d)" % seed_of(out))
    check(hidden(os.path.dirname(out)) == [], "nothing left behind")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--inside-full-disk":
        ecsim, scenario, disk = sys.argv[2:5]
        inside_full_disk(ecsim, scenario, disk)
        return 1 if failures else 0
    ap = argparse.ArgumentParser()
    ap.add_argument("ecsim")
    ap.add_argument("--trials", type=int, default=4)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    ecsim = os.path.abspath(args.ecsim)
    scenario = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", SCENARIO)
    rng = random.Random(args.seed)
    print("fault injection: %s, %d kill trials per signal, seed %d" % (ecsim, args.trials, args.seed), flush=True)
    with tempfile.TemporaryDirectory(prefix="ecsim-fault-") as work:
        full_disk(ecsim, scenario, work)
        kills(ecsim, scenario, work, args.trials, rng)
        concurrent(ecsim, scenario, work)
    if failures:
        print("fault injection: %d checks failed:" % len(failures))
        for f in failures:
            print("  " + f)
        return 1
    print("fault injection: every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
