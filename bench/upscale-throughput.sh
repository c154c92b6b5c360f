#!/usr/bin/env bash
# Upscale throughput against the peer in one run: Burnish's upscale stage (BenchmarkDotNet, ONNX Runtime on the CPU)
# and UpscalerJS's models in TensorFlow.js with the wasm backend (tools/upscalerjs-golden/throughput.js), on the same
# weights and the same 128 px input, as output megapixels per second. Also the convolution rate against the machine's
# FP32 peak: cores × FLOPs per cycle (64 with AVX-512: two 512-bit FMAs; 32 with AVX2 + FMA) × the clock that
# /proc/cpuinfo reports (a VM shows its nominal clock; boost is higher, so the percentage is an upper bound).
# PEAK_GFLOPS overrides it.
# Writes bench/results/upscale-throughput.md. Needs node + npm; fetches the models on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
export BURNISH_MODELS="${BURNISH_MODELS:-$root/.build/models}"
per_cycle=32; grep -qw avx512f /proc/cpuinfo && per_cycle=64
mhz=$(awk -F: '/cpu MHz/ {print $2; exit}' /proc/cpuinfo)
peak="${PEAK_GFLOPS:-$(awk -v c="$(nproc)" -v f="$per_cycle" -v m="$mhz" 'BEGIN {printf "%.0f", c * f * m / 1000}')}"
runs="${RUNS:-5}"
"$root/burnish" models fetch >/dev/null
(cd "$root/tools/upscalerjs-golden" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund >/dev/null)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$root/tools/upscalerjs-golden/throughput.js" "$BURNISH_MODELS/npm/node_modules" \
    "$root/tests/Burnish.Core.Tests/fixtures/sr-golden/fixture_128.png" "$runs" \
    esrgan-slim:2:255 esrgan-slim:4:255 esrgan-medium:2:255 esrgan-medium:4:255 esrgan-thick:2:1 esrgan-thick:4:1 > "$work/tfjs.jsonl"

(cd "$root/bench/Burnish.Bench" && dotnet run -c Release -- --filter '*UpscaleBenchmarks*' --exporters csv --artifacts "$work/bdn" >/dev/null)
"$root/burnish" models list --json > "$work/models.json"

python3 - "$work" "$peak" "$results/upscale-throughput.md" <<'PY'
import csv, json, sys, glob, datetime, os, re
work, peak, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
tfjs = {(j["model"], j["scale"]): j for j in map(json.loads, open(f"{work}/tfjs.jsonl"))}
models = {(m["name"], m["scale"]): m for m in json.load(open(f"{work}/models.json"))["models"]}
def ms(text):
    v, unit = text.replace(",", "").split()
    return float(v) * {"ns": 1e-6, "us": 1e-3, "μs": 1e-3, "ms": 1, "s": 1e3}[unit]
rows = []
for row in csv.DictReader(open(glob.glob(f"{work}/bdn/results/*UpscaleBenchmarks-report.csv")[0])):
    name, scale, edge = re.match(r"(.+)-x(\d)@(\d+)", row["Case"]).groups()
    scale, edge, t = int(scale), int(edge), ms(row["Mean"])
    mpx = (edge * scale) ** 2 / 1e6 / (t / 1000)
    flops = models[(name, scale)]["flops_per_output_pixel"]
    gflops = flops * mpx * 1e6 / 1e9
    peer = tfjs.get((name, scale)) if edge == 128 else None
    rows.append((name, scale, edge, t, mpx, gflops, peer))
with open(out, "w") as f:
    f.write(f"# Upscale throughput, {datetime.date.today()}\n\n")
    f.write(f"`bench/upscale-throughput.sh` on {os.cpu_count()} cores. Output megapixels per second, whole image (one tile at 128², "
            "auto tiles at 512²), session created once. Peer: UpscalerJS's models in TensorFlow.js 4.22, wasm backend, in Node, same weights, "
            f"same 128² input, median of the timed runs. Convolution rate = FLOPs per output pixel × output pixels / time, against an FP32 peak of {peak:.0f} GFLOP/s (cores × FLOPs per cycle × the clock /proc/cpuinfo reports; boost clocks are higher, so the percentage is an upper bound).\n\n")
    f.write("| model | input | Burnish ms | Burnish Mpx/s | UpscalerJS Mpx/s | ratio | GFLOP/s | % of peak |\n|---|---|---|---|---|---|---|---|\n")
    for name, scale, edge, t, mpx, gflops, peer in rows:
        p = f"{peer['output_mpx_per_s']:.3f}" if peer else "–"
        r = f"{mpx / peer['output_mpx_per_s']:.1f}×" if peer else "–"
        f.write(f"| {name} ×{scale} | {edge}² | {t:.0f} | {mpx:.3f} | {p} | {r} | {gflops:.0f} | {100 * gflops / peak:.0f} % |\n")
print(open(out).read())
PY
