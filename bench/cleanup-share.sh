#!/usr/bin/env bash
# Cleanup's cost against the upscale's on the same image, in CPU seconds (GNU time, user + sys), which a loaded machine
# stretches far less than wall time. Three `finish` runs of the AI recipe's tail (warm-golden, sharpen, P3 16-bit
# master, web-2048) on a 1024² Flux generation:
#   A  upscale (esrgan-medium ×4)     B  upscale + cleanup {}     D  no upscale: the input enlarged ×4 beforehand (ImageMagick Lanczos)
# cleanup = B − A; upscale = A − D (D does everything else at the same 4096² size). Issue 16: cleanup ≤ 25 % of the upscale.
# Usage: bench/cleanup-share.sh [BURNISH_DLL]; writes bench/results/cleanup-share.md.
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
tail='grade: {preset: warm-golden}
sharpen: {}
export:
  master: {format: png, space: display-p3}
  copies:
    - {destination: web-2048, format: jpeg, quality: 88}'
printf 'version: 1\nupscale: {model: esrgan-medium, scale: 4}\n%s\n' "$tail" > "$work/A.yaml"
printf 'version: 1\nupscale: {model: esrgan-medium, scale: 4}\ncleanup: {}\n%s\n' "$tail" > "$work/B.yaml"
printf 'version: 1\n%s\n' "$tail" > "$work/D.yaml"
mkdir -p "$work/big"
# D's 4096² input: ImageMagick's Lanczos ×4 (only its size and content type matter here).
command -v convert >/dev/null || { echo "needs ImageMagick's convert for run D" >&2; exit 1; }
convert "$work/gen.png" -filter Lanczos -resize 400% "$work/big/gen.png"
cpu() { awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {m = $2} END {printf "%.1f %.1f %d", u + s, u, m / 1024}' "$1"; }
for run in A B D; do
    in="$work/gen.png"; [[ $run == D ]] && in="$work/big/gen.png"
    /usr/bin/time -v dotnet "$dll" finish "$in" -r "$work/$run.yaml" -o "$work/out-$run" >/dev/null 2> "$work/$run.time"
done
read -r a au am < <(cpu "$work/A.time"); read -r b bu bm < <(cpu "$work/B.time"); read -r d du dm < <(cpu "$work/D.time")
{
    echo "| run | CPU s (user + sys) | peak RSS |"
    echo "|---|---:|---:|"
    echo "| A upscale | $a | $am MB |"
    echo "| B upscale + cleanup | $b | $bm MB |"
    echo "| D neither (4096² input) | $d | $dm MB |"
    python3 -c "a, b, d = $a, $b, $d; print(f'\ncleanup (B − A) {b - a:.1f} CPU s; upscale (A − D) {a - d:.1f} CPU s; cleanup / upscale = {100 * (b - a) / (a - d):.0f} %')"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/cleanup-share.md"
