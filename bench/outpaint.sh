#!/usr/bin/env bash
# Outpaint figures, whole process (`burnish outpaint`), rough on a shared machine: re-run on a quiet one.
#  1. Time: a 1024² Flux generation → 16:9 (1820×1024, 3 steps, 6 bands) and a 512² SDXL-Turbo one → 16:9.
#  2. Drift: every ComfyUI generation in shared/testdata, brought to a 512 px long edge, cut to its centre 60 % wide
#     and outpainted back to its own aspect: the largest band drift (CIEDE2000 of the band's mean colour against the
#     original's border strip of the same width) per image, which is what outpaint.drift_warn is set against.
# Writes bench/results/outpaint.md. Needs libvips-tools and GNU time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
data="${DATA:-/work/shared/testdata/ai-generations/comfyui}"
mkdir -p "$results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/burnish" --help >/dev/null # build once, outside the timings

timed() { # input → "wall s | user s | max RSS MB"
    /usr/bin/time -f "%e %U %M" -o "$work/time" "$root/burnish" outpaint "$1" -o "$work/out.png" --aspect 16:9 --force >/dev/null
    read -r wall user rss < "$work/time"
    echo "$wall | $user | $((rss / 1024))"
}
{
    echo "# Outpaint, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/outpaint.sh\` on $(nproc) cores; load average when it started: $(cut -d' ' -f1-3 /proc/loadavg). Rough: re-run on a quiet machine."
    echo
    echo "| input | output | wall s | CPU s (user) | peak memory MB |"
    echo "|---|---|---|---|---|"
    for f in flux__girl_in_field.png sdturbo__sdxlturbo_example.png; do
        [[ -f "$data/$f" ]] || continue
        echo "| $f ($(vipsheader "$data/$f" | cut -d' ' -f2)) | 16:9 | $(timed "$data/$f") |"
    done
    echo
    echo "Drift: each generation at a 512 px long edge, cut to its centre 60 % wide, outpainted back (default settings)."
    echo
    echo "| generation | size | steps | largest band drift ΔE00 |"
    echo "|---|---|---|---|"
    for f in "$data"/*.png; do
        name="$(basename "$f" .png)"
        vips thumbnail "$f" "$work/truth.png" 512 --height 512
        w="$(vipsheader -f width "$work/truth.png")"; h="$(vipsheader -f height "$work/truth.png")"
        cw=$((w * 6 / 10)); x0=$(((w - cw) / 2))
        vips crop "$work/truth.png" "$work/cut.png" "$x0" 0 "$cw" "$h"
        line="$("$root/burnish" outpaint "$work/cut.png" -o "$work/back.png" --aspect "$w:$h" --force 2>/dev/null | tail -1)"
        steps="$(sed -n 's/.* in \([0-9]*\) step.*/\1/p' <<<"$line")"
        drift="$(sed -n 's/.*largest drift ΔE00 \([0-9.]*\) (\(.*\))/\1 (\2)/p' <<<"$line")"
        echo "| $name | ${cw}×$h → ${w}×$h | $steps | $drift |"
    done
} > "$results/outpaint.md"
cat "$results/outpaint.md"
