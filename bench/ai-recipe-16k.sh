#!/usr/bin/env bash
# The AI recipe to a 16384² master (issue 16: ≤ 2 GiB peak): the 1024² Flux generation, esrgan-slim ×4 then ×4 again
# (upscale scale 16 makes two ×4 passes), cleanup at its defaults, warm-golden, sharpen, a 16-bit Display P3 master
# and a web-2048 copy. Peak RSS and CPU seconds by GNU time; the resident set sampled every second
# (bench/rss_timeline.py) to see which stage holds the peak. CLEANUP=0 leaves cleanup out.
# Usage: bench/ai-recipe-16k.sh [BURNISH_DLL]; writes bench/results/ai-recipe-16k.md (and .tsv).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
dll="${1:-}"
if [[ -z "$dll" ]]; then "$root/burnish" models fetch >/dev/null; dll="$root/.build/cli/burnish.dll"; fi
input="${INPUT:-$root/../shared/testdata/ai-generations/comfyui/flux__flux_dev_example.png}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$input" "$work/gen.png"
{
    echo "version: 1"
    echo "upscale: {model: esrgan-slim, scale: 16}"
    [[ "${CLEANUP:-1}" == 1 ]] && echo "cleanup: {}"
    cat <<'YAML'
grade: {preset: warm-golden}
sharpen: {}
export:
  master: {format: png, space: display-p3}
  copies:
    - {destination: web-2048, format: jpeg, quality: 88}
YAML
} > "$work/recipe.yaml"
name="ai-recipe-16k$([[ "${CLEANUP:-1}" == 1 ]] || echo -no-cleanup)"
/usr/bin/time -v python3 "$root/bench/rss_timeline.py" --every 1 --out "$results/$name.tsv" -- \
    dotnet "$dll" finish "$work/gen.png" -r "$work/recipe.yaml" -o "$work/out" --max-memory-mb 100000 2> "$work/time.txt" || { cat "$work/time.txt" >&2; exit 1; }
python3 - "$work/time.txt" "$work/out/gen.burnish.json" <<'PY' | tee "$results/$name.md"
import json, re, sys
t = open(sys.argv[1]).read()
get = lambda key: re.search(re.escape(key) + r": (.*)", t).group(1)
d = json.load(open(sys.argv[2]))
size = next((s["measurements"] for s in d["stages"] if s["stage"] == "export"), {})
print("| peak RSS | user s | sys s | wall | stages (sidecar s) |")
print("|---:|---:|---:|---:|---|")
stages = ", ".join(f"{s['stage']} {s['ms'] / 1000:.0f}" for s in d["stages"] if s.get("ms"))
print(f"| {int(get('Maximum resident set size (kbytes)')) // 1024} MB | {get('User time (seconds)')} | {get('System time (seconds)')} | {get('Elapsed (wall clock) time (h:mm:ss or m:ss)')} | {stages} |")
PY
