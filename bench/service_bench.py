#!/usr/bin/env python3
"""Service benchmarks (issue 13), driven by bench/service.sh.

Starts `burnish serve` processes on loopback (and ends them, by their own PIDs), then, interleaved so that the
machine's load falls on every side alike:
  - a batch of N images through a service with 1 worker and with 2 workers (POST to the job's end);
  - `burnish finish` of the same batch with -j 1 and -j 2 (the same core without the service);
  - POST to the first progress event (stage-started) on the event stream, on an idle 1-worker service.
Prints a Markdown table on stdout.
"""
import json, os, socket, statistics, subprocess, sys, tempfile, time, urllib.request, uuid


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
    def __init__(self, dll, workers, work):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = os.path.join(work, f"serve-{workers}-{self.port}")
        self.log = open(data + ".log", "w")
        self.process = subprocess.Popen(["nice", "-n", "10", "dotnet", dll, "serve", "--listen", f"127.0.0.1:{self.port}",
                                         "--data", data, "--workers", str(workers)], stdout=self.log, stderr=subprocess.STDOUT)
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

    def stop(self):
        self.process.terminate()  # this process's own child, by PID
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def main():
    dll, images_dir, recipe_path, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    images = sorted(os.path.join(images_dir, f) for f in os.listdir(images_dir))
    recipe = open(recipe_path).read()
    work = tempfile.mkdtemp(prefix="burnish-service-bench-")
    services = {}
    try:
        services = {1: Service(dll, 1, work), 2: Service(dll, 2, work)}
        # One warm-up job each: JIT, libvips and the first model-cache look-ups are not the service's per-image cost.
        for s in services.values():
            s.wait(s.submit(images[:2], recipe))
        times = {k: [] for k in ("serve-1", "serve-2", "finish-1", "finish-2", "first-event")}
        for r in range(rounds):
            for workers, s in services.items():
                t0 = time.perf_counter()
                s.wait(s.submit(images, recipe))
                times[f"serve-{workers}"].append(time.perf_counter() - t0)
            for jobs in (1, 2):
                out = os.path.join(work, f"finish-{jobs}-{r}")
                t0 = time.perf_counter()
                subprocess.run(["nice", "-n", "10", "dotnet", dll, "finish", images_dir, "-o", out, "-r", recipe_path, "-j", str(jobs)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[f"finish-{jobs}"].append(time.perf_counter() - t0)
            for _ in range(3):
                s = services[1]
                t0 = time.perf_counter()
                job = s.submit(images[:1], recipe)
                s.first_progress(job)
                times["first-event"].append(time.perf_counter() - t0)
                s.wait(job)
        med = {k: statistics.median(v) for k, v in times.items()}
        n = len(images)
        print(f"| figure | median | runs |")
        print(f"|---|---:|---|")
        for k, label in (("serve-1", f"service, 1 worker: POST of {n} images to job done"),
                         ("serve-2", f"service, 2 workers: the same"),
                         ("finish-1", f"`burnish finish -j 1` of the same {n} (process start included)"),
                         ("finish-2", f"`burnish finish -j 2` of the same {n}"),
                         ("first-event", "POST of 1 image to its first `stage-started` event (idle 1-worker service)")):
            print(f"| {label} | {med[k]:.2f} s | {', '.join(f'{t:.2f}' for t in times[k])} |")
        print()
        print(f"- 2 workers against 1: **{med['serve-1'] / med['serve-2']:.2f}×** the throughput")
        for w in (1, 2):
            over = (med[f'serve-{w}'] - med[f'finish-{w}']) / n
            print(f"- service overhead per image, {w} worker(s) against `finish -j {w}`: {over * 1000:+.0f} ms "
                  f"({(med[f'serve-{w}'] / med[f'finish-{w}'] - 1) * 100:+.1f} %)")
    finally:
        for s in services.values():
            s.stop()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
