#!/usr/bin/env bash
# Peak memory of a big upscale: a 4096² AI generation → 16384² with esrgan-slim ×4, written as a 16-bit PNG, measured
# as the process's peak resident set (GNU time). The full output in float would be 16384² × 3 × 4 B = 3.2 GB; Burnish
# streams it from the model tiles into the encoder. Writes bench/results/upscale-memory.md. Needs GNU time, libvips-tools.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
for tool in /usr/bin/time vips; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install time libvips-tools)" >&2; exit 1; }; done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/burnish" models fetch >/dev/null
vips resize "$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png" "$work/in.png" 8 --kernel lanczos3
/usr/bin/time -v "$root/burnish" upscale "$work/in.png" -o "$work/out.png" --model esrgan-slim-x4 2> "$work/time.txt" >/dev/null
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
size=$(vipsheader "$work/out.png")
bytes=$(stat -c %s "$work/out.png")
{
    echo "# Upscale peak memory, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/upscale-memory.sh\`: \`burnish upscale\` of a 4096² generation with esrgan-slim ×4 to a 16-bit PNG, $(nproc) cores."
    echo
    echo "| output | PNG bytes | wall | peak RSS | full float output would be |"
    echo "|---|---|---|---|---|"
    echo "| ${size#*: } | $bytes | $wall | $((rss_kb / 1024)) MiB | 3072 MiB |"
} > "$results/upscale-memory.md"
cat "$results/upscale-memory.md"
