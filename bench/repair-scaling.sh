#!/usr/bin/env bash
# Repair timings against image size (512², 1024², 2048²) and hole size (5, 10, 25 % boxes, 10 % strokes), fill and
# telea (writes bench/results/repair-scaling.md). Needs Debian's python3-opencv (installed by repair-quality.sh).
# Timings depend on what else the machine runs: take them on an idle machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/burnish" --help >/dev/null
mkdir -p "$root/bench/results"
/usr/bin/python3 "$root/bench/repair_scaling.py" --burnish "$root/burnish" --sample "$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png" \
    --results "$root/bench/results/repair-scaling.md" "$@"
