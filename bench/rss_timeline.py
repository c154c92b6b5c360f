#!/usr/bin/env python3
"""Runs a command and samples its resident set (VmRSS of the process, from /proc) every --every seconds, with the
process's user+system CPU seconds at that moment. Writes a TSV (seconds, rss MB, cpu s) to --out and prints the peak.
Used by bench/ai-recipe-profile.sh to see which stage holds the peak: the sidecar's stage times place each stage
on the same clock (its stages run in order)."""
import argparse, os, subprocess, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--every", type=float, default=0.2)
parser.add_argument("--out", required=True)
parser.add_argument("command", nargs=argparse.REMAINDER)
args = parser.parse_args()
command = args.command[1:] if args.command and args.command[0] == "--" else args.command
tick = os.sysconf("SC_CLK_TCK")

def sample(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return rss / 1024, (int(fields[11]) + int(fields[12])) / tick
    except (FileNotFoundError, StopIteration, ProcessLookupError):
        return None

start = time.monotonic()
process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
peak = 0.0
with open(args.out, "w") as out:
    out.write("seconds\trss_mb\tcpu_s\n")
    while process.poll() is None:
        s = sample(process.pid)
        if s:
            peak = max(peak, s[0])
            out.write(f"{time.monotonic() - start:.2f}\t{s[0]:.0f}\t{s[1]:.2f}\n")
            out.flush()
        time.sleep(args.every)
print(f"peak sampled RSS {peak:.0f} MB, exit {process.returncode}", file=sys.stderr)
sys.exit(process.returncode)
