#!/usr/bin/env bash
# Does the peak grow with the batch? The AI recipe (esrgan-medium ×4, cleanup {}, warm-golden, sharpen, P3 16-bit
# master, web-2048) over N images with -j 2, for N = 4 and N = 20 (SIZES overrides), peak RSS by GNU time. The images
# are centre crops (CROP, default 256²) of five shared generations (bench/centre-crop.cs), repeated under new names, so
# each image is ×4 to 1024²: a sixteenth of the 1024² recipe's pixels, to keep 20 images within reach on a loaded
# 2-core machine (20 × 1024² → 4096² there took hours).
# Usage: bench/batch-memory.sh [BURNISH_DLL]; writes bench/results/batch-memory.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
dll="${1:-}"
if [[ -z "$dll" ]]; then "$root/burnish" models fetch >/dev/null; dll="$root/.build/cli/burnish.dll"; fi
data="${TESTDATA:-$root/../shared/testdata}/ai-generations/comfyui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/crops"
names=(flux__flux_dev_example flux__girl_in_field sdxl__sdxl_simple_example sd3__sd3.5_simple_example hidream__hidream_dev_example)
inputs=()
for n in "${names[@]}"; do inputs+=("$data/$n.png"); done
dotnet run "$root/bench/centre-crop.cs" -- "${CROP:-256}" "$work/crops" "${inputs[@]}" >/dev/null
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
echo "| images (-j 2) | peak RSS | user s | sys s | wall | failed |" > "$work/table.md"
echo "|---:|---:|---:|---:|---:|---:|" >> "$work/table.md"
for count in ${SIZES:-4 20}; do
    rm -rf "$work/in" "$work/out"; mkdir -p "$work/in"
    for ((i = 0; i < count; i++)); do cp "$work/crops/${names[i % 5]}.png" "$work/in/$(printf '%02d' "$i")-${names[i % 5]}.png"; done
    status=0
    /usr/bin/time -v dotnet "$dll" finish "$work/in" -r "$work/recipe.yaml" -o "$work/out" -j 2 >/dev/null 2> "$work/time.txt" || status=$?
    made=$(find "$work/out" -name '*.burnish.json' | wc -l)
    awk -F': ' -v count="$count" -v failed="$((count - made))" '
        /Maximum resident set size/ {rss = $2} /User time/ {u = $2} /System time/ {s = $2} /Elapsed \(wall clock\)/ {wall = $2}
        END {printf "| %d | %d MB | %s | %s | %s | %d |\n", count, rss / 1024, u, s, wall, failed}' "$work/time.txt" >> "$work/table.md"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/table.md"
tee "$results/batch-memory.md" < "$work/table.md"
