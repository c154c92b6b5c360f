#!/usr/bin/env bash
# Seams, measured on a whole generation: a 1024² ComfyUI image upscaled ×4 by esrgan-medium with three tile sizes
# (auto, 128 and 200 input pixels: 64, 81 and 36 tiles); every pair must agree, since each kept tile centre equals
# the whole-image result. Reports the largest difference anywhere and along the cuts, in 16-bit levels.
# Writes bench/results/upscale-seams.md. Needs libvips-tools.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
input="${INPUT:-/work/shared/testdata/ai-generations/comfyui/flux__girl_in_field.png}"
[[ -f "$input" ]] || input="$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png"
for tile in auto 128 200; do
    "$root/burnish" upscale "$input" -o "$work/t$tile.png" --model esrgan-medium-x4 --tile "$tile" >/dev/null 2>&1
done
maxdiff() { vips subtract "$1" "$2" "$work/d.v" && vips abs "$work/d.v" "$work/a.v" && vips max "$work/a.v"; }
{
    echo "# Upscale seams, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/upscale-seams.sh\`: $(basename "$input") ($(vipsheader "$input" | cut -d' ' -f2)) → ×4 with esrgan-medium, 16-bit PNG outputs."
    echo
    echo "| tiles compared | largest difference (16-bit levels, of 65535) |"
    echo "|---|---|"
    echo "| auto vs 128 | $(maxdiff "$work/tauto.png" "$work/t128.png") |"
    echo "| auto vs 200 | $(maxdiff "$work/tauto.png" "$work/t200.png") |"
    echo "| 128 vs 200 | $(maxdiff "$work/t128.png" "$work/t200.png") |"
} > "$results/upscale-seams.md"
cat "$results/upscale-seams.md"
