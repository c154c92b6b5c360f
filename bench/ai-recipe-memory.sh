#!/usr/bin/env bash
# Peak memory and stage times of the AI recipe from issue 16: a 1024² Flux generation, esrgan-medium ×4, cleanup at its
# defaults, the warm-golden grade, output sharpening, a 16-bit Display P3 master and a web-2048 copy. GNU time gives
# the process's peak resident set, user/sys time and minor page faults; the sidecar gives each stage's milliseconds
# (cleanup's share of the upscale's time is the issue's "≤ 25 %" figure). Writes bench/results/ai-recipe-memory.md.
# Needs: GNU time, the model cache (`burnish models fetch`), python3 to read the sidecar.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/burnish" models fetch >/dev/null
input="${1:-$root/../shared/testdata/ai-generations/comfyui/flux__flux_dev_example.png}"
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
/usr/bin/time -v "$root/burnish" finish "$work/gen.png" -r "$work/recipe.yaml" -o "$work/out" 2> "$work/time.txt" >/dev/null
stages=$(python3 -c "
import json, sys
d = json.load(open('$work/out/gen.burnish.json'))
ms = {s['stage']: s['ms'] for s in d['stages']}
print(f\"{ms['upscale']/1000:.1f} | {ms['cleanup']/1000:.1f} | {100*ms['cleanup']/ms['upscale']:.0f} % | {ms['grade']/1000:.1f} | {ms['export']/1000:.1f}\")")
awk -F': ' -v stages="$stages" '
    /Maximum resident set size/ {rss = $2}
    /Minor \(reclaiming a frame\) page faults/ {faults = $2}
    /System time/ {sys = $2}
    /User time/ {user = $2}
    /Elapsed \(wall clock\)/ {wall = $2}
    END {
        print "| peak RSS | wall | user | sys | minor faults | upscale s | cleanup s | cleanup/upscale | grade s | export s |"
        print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        printf "| %d MB | %s | %s s | %s s | %s | %s |\n", rss / 1024, wall, user, sys, faults, stages
    }' "$work/time.txt" | tee "$results/ai-recipe-memory.md"
