#!/usr/bin/env python3
"""Service benchmarks (issue 13), driven by bench/service.sh.

Starts `burnish serve` processes on loopback (and ends them, by their own PIDs), then, interleaved so that the
machine's load falls on every side alike:
  - a batch of N images through services with 1 and 2 workers, at the default threads per job (cores / workers) and
    at 1 thread per job (POST to the job's end), each service warmed first (its first batch is the cold figure);
  - `burnish finish` of the same batch with -j 1 and -j 2 (the same core without the service);
  - POST to the first progress event (stage-started) on the event stream, on an idle 1-worker service;
  - the cores a niced process can get at that moment (two busy processes for a few seconds): on a shared machine
    this, not the service, bounds what a second worker can add.
Beside each wall time: the CPU seconds the process used (user + system), the cores it kept busy (CPU / wall), the
background JIT's share, garbage-collection pauses and the mean number of images running at once (from the
per-image event logs). Prints Markdown on stdout.
"""
import json, glob, multiprocessing, os, resource, socket, statistics, subprocess, sys, tempfile, time, urllib.request, uuid
from datetime import datetime

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    body = bytearray()
    for name, value in fields:
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
    for name, filename, data in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"


class Service:
    def __init__(self, dll, workers, work, threads=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = os.path.join(work, f"serve-{workers}-{self.port}")
        self.store = os.path.join(data, "store")
        self.log = open(data + ".log", "w")
        extra = ["--threads-per-job", str(threads)] if threads else []
        # `nice` execs dotnet, so the child's PID is the service's own (its /proc entry gives its CPU time).
        self.process = subprocess.Popen(["nice", "-n", "10", "dotnet", dll, "serve", "--listen", f"127.0.0.1:{self.port}",
                                         "--data", data, "--workers", str(workers), *extra], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(self.url + "/readyz", timeout=2).read()
                return
            except Exception:
                if self.process.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"burnish serve did not start; see {data}.log")
                time.sleep(0.3)

    def submit(self, images, recipe):
        body, ctype = multipart([("recipe", recipe)], [("images", os.path.basename(p), open(p, "rb").read()) for p in images])
        request = urllib.request.Request(self.url + "/v1/jobs", data=body, headers={"Content-Type": ctype}, method="POST")
        return json.load(urllib.request.urlopen(request, timeout=120))["id"]

    def wait(self, job):
        while True:
            status = json.load(urllib.request.urlopen(f"{self.url}/v1/jobs/{job}", timeout=60))
            if status["status"] in ("done", "failed", "cancelled"):
                if status["status"] != "done":
                    raise RuntimeError(f"job {job}: {status['status']}: {[i.get('error') for i in status['images']]}")
                return status
            time.sleep(0.1)

    def first_progress(self, job):
        """Seconds until the event stream delivers the first stage-started event."""
        with urllib.request.urlopen(f"{self.url}/v1/jobs/{job}/events", timeout=120) as stream:
            for raw in stream:
                if raw.decode().strip() == "event: stage-started":
                    return

    def cpu(self):
        """CPU seconds of the service (user + system), and of its background JIT thread alone."""
        fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
        jit = 0.0
        for task in glob.glob(f"/proc/{self.process.pid}/task/*"):
            try:
                if open(task + "/comm").read().startswith(".NET Tiered Com"):
                    f = open(task + "/stat").read().rsplit(")", 1)[1].split()
                    jit += (int(f[11]) + int(f[12])) / TICK
            except FileNotFoundError:
                pass
        return (int(fields[11]) + int(fields[12])) / TICK, jit

    def gc_pause(self):
        for line in urllib.request.urlopen(self.url + "/metrics", timeout=60).read().decode().splitlines():
            # OpenTelemetry's exporter: dotnet_gc_pause_time_seconds_total{otel_scope_name="System.Runtime"} VALUE
            if line.startswith("dotnet_gc_pause_time_seconds_total"):
                return float(line.split()[-1])
        return 0.0

    def concurrency(self, job):
        """Mean images running at once over the job: the sum of each image's start-to-end over the job's span."""
        spans = []
        for log in glob.glob(os.path.join(self.store, "jobs", job, "images", "*", "events.jsonl")):
            events = {e["type"]: datetime.fromisoformat(e["time"]) for e in map(json.loads, open(log))}
            spans.append((events["started"], events["image-done"]))
        span = (max(e for _, e in spans) - min(s for s, _ in spans)).total_seconds()
        return sum((e - s).total_seconds() for s, e in spans) / span, spans

    def stop(self):
        self.process.terminate()  # this process's own child, by PID
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()



def spin(seconds):
    # At the services' own priority (`nice -n 10` below this script), so the probe asks for what they ask for.
    os.nice(10)
    end = time.time() + seconds
    while time.time() < end:
        pass


def capacity(seconds=3.0):
    """Cores two niced busy processes get right now: the most that a second worker could add on this machine."""
    before, t0 = os.times(), time.time()
    ps = [multiprocessing.Process(target=spin, args=(seconds,)) for _ in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    after = os.times()
    return ((after.children_user - before.children_user) + (after.children_system - before.children_system)) / (time.time() - t0)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Services: (label, workers, threads per job; None: the default, cores / workers).
SERVICES = [("1w", 1, None), ("2w", 2, None), ("1w1t", 1, 1), ("2w1t", 2, 1)]
MAX_WARMUP = 10
LABELS = {"1w": "service, 1 worker, default threads ({t})", "2w": "service, 2 workers, default threads ({t} each)",
          "1w1t": "service, 1 worker × 1 thread", "2w1t": "service, 2 workers × 1 thread",
          "finish-1": "`burnish finish -j 1` (process start included)", "finish-2": "`burnish finish -j 2`"}


def main():
    dll, images_dir, recipe_path, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    images = sorted(os.path.join(images_dir, f) for f in os.listdir(images_dir))
    recipe = open(recipe_path).read()
    work = tempfile.mkdtemp(prefix="burnish-service-bench-")
    cores = os.cpu_count()
    services = {}
    rows = {k: [] for k in [s[0] for s in SERVICES] + ["finish-1", "finish-2"]}
    first, probes, timelines, cold, warmup = [], [], {}, {}, {}
    try:
        for label, w, t in SERVICES:  # one by one, so that the ones started are stopped whatever happens
            services[label] = Service(dll, w, work, t)
        # Warm-up: a service is long-running, so the table is its steady state. Each service takes whole batches
        # until the runtime's background recompilation of hot code is under 5 % of a batch's CPU (it runs for the
        # first ~100 images and would otherwise fall on whichever side runs first); the first batch is kept as the
        # cold figure.
        for label, s in services.items():
            for b in range(MAX_WARMUP):
                (c0, j0), t0 = s.cpu(), time.perf_counter()
                s.wait(s.submit(images, recipe))
                wall = time.perf_counter() - t0
                c1, j1 = s.cpu()
                if b == 0:
                    cold[label] = wall
                warmup[label] = b + 1
                if j1 - j0 < 0.05 * (c1 - c0):
                    break
        for r in range(rounds):
            probes.append((capacity(), os.getloadavg()[0]))
            for label, s in services.items():
                load = os.getloadavg()[0]
                (c0, j0), g0, t0 = s.cpu(), s.gc_pause(), time.perf_counter()
                job = s.submit(images, recipe)
                s.wait(job)
                wall = time.perf_counter() - t0
                (c1, j1), g1 = s.cpu(), s.gc_pause()
                conc, spans = s.concurrency(job)
                rows[label].append(dict(wall=wall, cpu=c1 - c0, jit=j1 - j0, gc=g1 - g0, conc=conc, load=load))
                timelines[label] = spans
            for jobs in (1, 2):
                out = os.path.join(work, f"finish-{jobs}-{r}")
                load, c0, t0 = os.getloadavg()[0], children_cpu(), time.perf_counter()
                subprocess.run(["nice", "-n", "10", "dotnet", dll, "finish", images_dir, "-o", out, "-r", recipe_path, "-j", str(jobs)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - t0
                rows[f"finish-{jobs}"].append(dict(wall=wall, cpu=children_cpu() - c0, jit=None, gc=None, conc=None, load=load))
            for _ in range(3):
                s = services["1w"]
                t0 = time.perf_counter()
                job = s.submit(images[:1], recipe)
                s.first_progress(job)
                first.append(time.perf_counter() - t0)
                s.wait(job)
            probes.append((capacity(), os.getloadavg()[0]))
    finally:
        for s in services.values():
            s.stop()
        subprocess.run(["rm", "-rf", work])
    report(rows, first, probes, timelines, cold, warmup, len(images), cores)


def walls(runs):
    return ", ".join(f"{r['wall']:.2f}" for r in runs)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def report(rows, first, probes, timelines, cold, warmup, n, cores):
    default1, default2 = max(1, cores // 1), max(1, cores // 2)
    side = lambda key: LABELS[key].split(", ", 1)[1].format(t=default1 if key == "1w" else default2)  # "1 worker × 1 thread"
    print(f"| {n} images | wall, median | CPU s | cores busy (CPU / wall) | of it, background JIT | GC pauses | images at once | load average | walls |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    medians = {}
    for key, runs in rows.items():
        m = {k: med([r[k] for r in runs]) for k in ("wall", "cpu", "jit", "gc", "conc")}
        medians[key] = m
        util = med([r["cpu"] / r["wall"] for r in runs])
        cell = lambda v, f: "–" if v is None else f.format(v)
        label = LABELS[key].format(t=default1 if key == "1w" else default2)
        print(f"| {label} | {m['wall']:.2f} s | {m['cpu']:.2f} | {util:.2f} | {cell(m['jit'], '{:.2f} s')} | {cell(m['gc'], '{:.3f} s')} | "
              f"{cell(m['conc'], '{:.2f}')} | {min(r['load'] for r in runs):.1f}–{max(r['load'] for r in runs):.1f} | {walls(runs)} |")
    print()
    print(f"| POST of 1 image to its first `stage-started` event (idle 1-worker service) | {med(first):.2f} s | {', '.join(f'{t:.2f}' for t in first)} |")
    print("|---|---:|---|")
    print()
    caps = [c for c, _ in probes]
    print(f"Cores that two niced busy processes got, before and after each round: median {med(caps):.2f} "
          f"(range {min(caps):.2f}–{max(caps):.2f}; load average {min(l for _, l in probes):.1f}–{max(l for _, l in probes):.1f}).")
    print()
    ratio = lambda a, b: medians[a]["wall"] / medians[b]["wall"]
    print(f"- 2 workers against 1, default threads per job: **{ratio('1w', '2w'):.2f}×** the throughput")
    print(f"- 2 workers against 1, 1 thread per job: **{ratio('1w1t', '2w1t'):.2f}×**")
    print(f"- cold (each service's first batch after its start, JIT included): 2 workers against 1, default threads "
          f"{cold['1w'] / cold['2w']:.2f}× ({cold['1w']:.2f} s against {cold['2w']:.2f} s), 1 thread per job "
          f"{cold['1w1t'] / cold['2w1t']:.2f}× ({cold['1w1t']:.2f} s against {cold['2w1t']:.2f} s)")
    print(f"- warm-up batches until background JIT < 5 % of a batch's CPU: " + ", ".join(f"{side(k)} {v}" for k, v in warmup.items()))
    print(f"- `finish -j 2` against `-j 1`: {ratio('finish-1', 'finish-2'):.2f}×")
    for w, f in (("1w", "finish-1"), ("2w", "finish-2")):
        over = (medians[w]["wall"] - medians[f]["wall"]) / n
        print(f"- service overhead per image, {w[0]} worker(s) against `finish -j {w[0]}`: {over * 1000:+.0f} ms "
              f"({(medians[w]['wall'] / medians[f]['wall'] - 1) * 100:+.1f} %)")
    spans = sorted(timelines["1w"])
    gaps = [(spans[i + 1][0] - spans[i][1]).total_seconds() for i in range(len(spans) - 1)]
    print(f"- 1 worker, from one image's end to the next one's start (queue fetch, state and event writes): "
          f"median {med(gaps) * 1000:.0f} ms, max {max(gaps) * 1000:.0f} ms")
    for key in ("1w", "2w"):
        spans = sorted(timelines[key])
        t0 = spans[0][0]
        cells = ", ".join(f"{(s - t0).total_seconds():.2f}–{(e - t0).total_seconds():.2f}" for s, e in spans)
        print(f"- timeline of the last round, {side(key)} "
              f"(seconds from the first start, start–end per image): {cells}")


if __name__ == "__main__":
    main()
