#!/usr/bin/env bash
# Where the AI recipe's peak memory comes from: runs bench/ai-recipe-memory.sh's recipe (1024² Flux, esrgan-medium ×4,
# cleanup at its defaults, warm-golden, sharpen, P3 16-bit master, web-2048) with its resident set sampled every 0.2 s
# from /proc (bench/rss_timeline.py), and lays the sidecar's stage times on the same clock (stages run in order; a
# streamed stage's bands are computed while the next stage or the encoder reads them, so its time shows inside theirs).
# Usage: bench/ai-recipe-profile.sh [BURNISH_DLL] [INPUT]; writes bench/results/ai-recipe-profile.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
dll="${1:-}"
if [[ -z "$dll" ]]; then "$root/burnish" models fetch >/dev/null; dll="$root/.build/cli/burnish.dll"; fi
input="${2:-$root/../shared/testdata/ai-generations/comfyui/flux__flux_dev_example.png}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$input" "$work/gen.png"
cat > "$work/recipe.yaml" <<'YAML'
version: 1
upscale: {model: esrgan-medium, scale: 4}
cleanup: {}
grade: {preset: warm-golden}
sharpen: {}
export:
  master: {format: png, space: display-p3}
  copies:
    - {destination: web-2048, format: jpeg, quality: 88}
YAML
python3 "$root/bench/rss_timeline.py" --out "$work/rss.tsv" -- dotnet "$dll" finish "$work/gen.png" -r "$work/recipe.yaml" -o "$work/out"
python3 - "$work/rss.tsv" "$work/out/gen.burnish.json" <<'PY' | tee "$results/ai-recipe-profile.md"
import csv, json, sys
rows = [(float(r["seconds"]), float(r["rss_mb"]), float(r["cpu_s"])) for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")]
stages = [(s["stage"], s.get("ms") or 0) for s in json.load(open(sys.argv[2]))["stages"] if s.get("ms")]
# Stages run in order and each ends where the next begins, so lay them out back from the end of the run. The upscale's
# last pass streams: its tiles are computed while cleanup reads them in, so its time shows inside cleanup's window.
end = rows[-1][0]
spans = []
for name, ms in reversed(stages):
    spans.append((name, ms, max(0.0, end - ms / 1000), end))
    end = max(0.0, end - ms / 1000)
print("| stage | sidecar s | window s (laid back from the end) | peak RSS in the window | CPU s at its end |")
print("|---|---:|---|---:|---:|")
for name, ms, a, b in reversed(spans):
    inside = [r for r in rows if a <= r[0] <= b] or [min(rows, key=lambda r: abs(r[0] - b))]
    print(f"| {name} | {ms / 1000:.1f} | {a:.0f}–{b:.0f} | {max(r[1] for r in inside):.0f} MB | {inside[-1][2]:.1f} |")
print(f"\nPeak sampled RSS {max(r[1] for r in rows):.0f} MB over {rows[-1][0]:.1f} s wall, {rows[-1][2]:.1f} CPU s.")
PY
cp "$work/rss.tsv" "$results/ai-recipe-profile.tsv"
