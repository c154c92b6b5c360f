#!/usr/bin/env python3
"""AFL++ runs, SLOTS at a time, each until it has had NEED CPU seconds (the bar is an hour of a core per target, not
an hour of wall time shared by many runs). A run is resumed where its output folder says (`-i -`), so the counts
add up across restarts; the CPU time of the fuzzer, the target and any target it restarted is read from /proc and
kept in OUT/cpu-seconds.json. SIGTERM stops every run gracefully and keeps what it had.

  fuzz/afl-cpu-hours.py --out findings --fuzz /tmp/fuzz --slots 2 icc=3600 hald=3600
  (first run of a target: --seeds SEEDS_ROOT, with SEEDS_ROOT/TARGET/ holding its seeds)
"""
import argparse, json, os, signal, subprocess, sys, time

HZ = os.sysconf("SC_CLK_TCK")


def tree_cpu(root):
    """CPU seconds of ROOT and its descendants, children they already reaped included."""
    kids = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(f[1]), []).append((int(p), sum(int(x) for x in f[11:15]) / HZ))
    total, stack = 0.0, [root]
    try:
        f = open(f"/proc/{root}/stat").read().rsplit(")", 1)[1].split()
        total += sum(int(x) for x in f[11:15]) / HZ
    except OSError:
        pass
    while stack:
        for child, seconds in kids.get(stack.pop(), []):
            total += seconds
            stack.append(child)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="findings root: OUT/TARGET is each run's AFL output folder")
    ap.add_argument("--fuzz", required=True, help="the instrumented publish folder (Burnish.Fuzz.dll)")
    ap.add_argument("--seeds", help="seeds root, for targets with no output folder yet")
    ap.add_argument("--slots", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=1000, help="AFL -t in ms: an input over it is a hang")
    ap.add_argument("needs", nargs="+", help="TARGET=CPU_SECONDS in all")
    a = ap.parse_args()
    needs = {n.split("=")[0]: float(n.split("=")[1]) for n in a.needs}
    ledger = os.path.join(a.out, "cpu-seconds.json")
    had = json.load(open(ledger)) if os.path.exists(ledger) else {}
    queue = [t for t in needs if had.get(t, 0) < needs[t]]
    # Targets such as hald and ncnn-param write each input to a temp file, and AFL its current input: on a disk that
    # was 20 MB/s of writes and 12 % iowait, so both go to memory when there is a tmpfs. One folder per target:
    # AFL's current input has a fixed name there.
    scratch_root = "/dev/shm/burnish-afl" if os.path.isdir("/dev/shm") else os.path.join(a.out, ".tmp")
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    running = {}

    def say(*words):
        print(time.strftime("%H:%M:%S"), *words, flush=True)

    def start(target):
        folder = os.path.join(a.out, target)
        seeds = "-" if os.path.isdir(folder) else os.path.join(a.seeds or "", target)
        log = open(os.path.join(a.out, f"{target}.log"), "a")
        scratch = os.path.join(scratch_root, target)
        os.makedirs(scratch, exist_ok=True)
        env = dict(os.environ, AFL_NO_AFFINITY="1", AFL_SKIP_BIN_CHECK="1", AFL_SKIP_CPUFREQ="1",
                   AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1", AFL_NO_UI="1", AFL_TMPDIR=scratch, TMPDIR=scratch)
        say("start", target, "had", round(had.get(target, 0.0)), "of", needs[target])
        return subprocess.Popen(["afl-fuzz", "-i", seeds, "-o", folder, "-t", str(a.timeout), "-m", "none", "--",
                                 "dotnet", os.path.join(a.fuzz, "Burnish.Fuzz.dll"), "afl", target],
                                stdout=log, stderr=log, env=env)

    def credit(target, seconds):
        had[target] = had.get(target, 0.0) + seconds
        json.dump(had, open(ledger, "w"), indent=1)

    def stop(target, used):
        run = running.pop(target)
        run.send_signal(signal.SIGINT)
        try:
            run.wait(60)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait()
        credit(target, used)
        say("stopped", target, "now", round(had[target]), "CPU s")

    os.makedirs(a.out, exist_ok=True)
    used = {}
    while (queue or running) and not stopping:
        while queue and len(running) < a.slots:
            target = queue.pop(0)
            running[target] = start(target)
            used[target] = 0.0
        time.sleep(5)
        for target, run in list(running.items()):
            if run.poll() is not None:
                say(target, "ended by itself, exit", run.returncode, "(see its log)")
                running.pop(target)
                credit(target, used[target])
                continue
            used[target] = tree_cpu(run.pid)
            if had.get(target, 0.0) + used[target] >= needs[target]:
                stop(target, used[target])
    for target in list(running):
        stop(target, used[target])


if __name__ == "__main__":
    sys.exit(main())
