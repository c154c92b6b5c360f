#!/usr/bin/env bash
# The cleanup stage at its defaults on real upscale-stage outputs: eight AI generations from the shared test data,
# upscaled ×2 by `burnish upscale` (esrgan-medium), then measured by tools/cleanup-table (halo score, colour drift,
# sharpness before and after, against the Lanczos baseline). Writes bench/results/cleanup-table.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${TESTDATA:-$root/../shared/testdata}/ai-generations/comfyui"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pairs=()
for name in flux__girl_in_field flux__flux_dev_example sdxl__sdxl_simple_example sd3__sd3.5_simple_example \
            hidream__hidream_dev_example chroma__fennec_girl_hug lcm__lcm_basic_example qwen_image__qwen_image_basic_example; do
    "$root/burnish" upscale "$data/$name.png" -o "$work/$name.png" --model esrgan-medium-x2 >/dev/null 2>&1
    pairs+=(--pair "$data/$name.png" "$work/$name.png")
done
dotnet run "$root/tools/cleanup-table/cleanup-table.cs" -- "${pairs[@]}" > "$results/cleanup-table.md"
cat "$results/cleanup-table.md"
