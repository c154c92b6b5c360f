#!/usr/bin/env python3
"""Where the second worker's throughput goes (issue 13's "2 workers >= 1.7x"), on warm services, rounds interleaved:
  - one service with 1, 2 and 3 workers at 1 thread per job (each image one libvips thread);
  - two 1-worker services at once, each given half the batch, free to run on either CPU and pinned one to each
    (taskset): how much of the loss is the scheduler placing one image's threads on both CPUs;
  - with --compare DLL, another build's 1 and 2 workers beside them (an A/B of a change);
  - with --workers-only, only the 1- and 2-worker sides (and --compare's): more rounds in the same time.
Usage: bench/worker-placement.py DLL IMAGES_DIR RECIPE ROUNDS [--compare DLL] [--workers-only]
(bench/service-sets.sh makes the real-size set and the light recipe; `./burnish --help` builds .build/cli/burnish.dll.)
Prints a Markdown table: median wall of the batch, throughput against 1 worker of DLL, cores busy, every round's wall.
"""
import argparse, os, statistics, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_bench

WARMUP = 5  # batches per service before timing: the runtime's background recompilation settles in about five


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dll"); ap.add_argument("images"); ap.add_argument("recipe"); ap.add_argument("rounds", type=int)
    ap.add_argument("--compare", help="a second build's burnish.dll")
    ap.add_argument("--workers-only", action="store_true", help="only 1 and 2 workers of each build")
    a = ap.parse_args()
    images = sorted(os.path.join(a.images, f) for f in os.listdir(a.images))
    recipe = open(a.recipe).read()
    work = tempfile.mkdtemp(prefix="burnish-placement-")
    popen = subprocess.Popen

    def service(workers, dll=a.dll, cpu=None):
        # service_bench.Service starts `nice … dotnet`; pinned, the whole process runs on one CPU.
        def pinned(args, **kw):
            return popen(["taskset", "-c", str(cpu), *args] if cpu is not None else args, **kw)
        subprocess.Popen = pinned
        try:
            return service_bench.Service(dll, workers, work, 1)
        finally:
            subprocess.Popen = popen

    def batch(s, imgs):
        s.wait(s.submit(imgs, recipe))

    def halves(s0, s1):
        other = threading.Thread(target=batch, args=(s1, images[1::2]))
        other.start()
        batch(s0, images[0::2])
        other.join()

    sides = {}
    try:
        for w in (1, 2) if a.workers_only else (1, 2, 3):
            sides[f"1 service, {w} worker{'s' if w > 1 else ''}"] = ([service(w)], lambda ss: batch(ss[0], images))
        if not a.workers_only:
            sides["2 services of 1 worker, half each, unpinned"] = ([service(1), service(1)], lambda ss: halves(*ss))
            sides["2 services of 1 worker, half each, pinned to CPU 0 and 1"] = ([service(1, cpu=0), service(1, cpu=1)], lambda ss: halves(*ss))
        if a.compare:
            for w in (1, 2):
                sides[f"--compare build, {w} worker{'s' if w > 1 else ''}"] = ([service(w, a.compare)], lambda ss: batch(ss[0], images))
        for ss, run in sides.values():
            for _ in range(WARMUP):
                run(ss)
        walls = {k: [] for k in sides}
        busy = {k: [] for k in sides}
        for _ in range(a.rounds):
            for name, (ss, run) in sides.items():
                c0, t0 = sum(s.cpu()[0] for s in ss), time.perf_counter()
                run(ss)
                wall = time.perf_counter() - t0
                walls[name].append(wall)
                busy[name].append((sum(s.cpu()[0] for s in ss) - c0) / wall)
    finally:
        for ss, _ in sides.values():
            for s in ss:
                s.stop()
        subprocess.run(["rm", "-rf", work])
    one = statistics.median(walls["1 service, 1 worker"])
    print(f"| {len(images)} images, 1 thread per job | wall, median | throughput against 1 worker | cores busy | walls |")
    print("|---|---:|---:|---:|---|")
    for name in sides:
        m = statistics.median(walls[name])
        print(f"| {name} | {m:.2f} s | {one / m:.2f}× | {statistics.median(busy[name]):.2f} | {', '.join(f'{w:.2f}' for w in walls[name])} |")


if __name__ == "__main__":
    main()
