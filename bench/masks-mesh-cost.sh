#!/usr/bin/env bash
# CPU milliseconds the face mesh adds per face (crop, model run, points back) and per face's four masks, on real images:
# the five children and the astronaut (test fixtures), kodim04 (one 305 px face) and a 1024² Flux generation (girl in a field) from the
# shared test data. Writes bench/results/masks-mesh-cost.md with the load average beside the figures.
# Usage: bench/masks-mesh-cost.sh [ROUNDS] [--testdata DIR]   (default 20 rounds, /work/shared/testdata)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-20}"
testdata="${TESTDATA:-/work/shared/testdata}"
[[ "${2:-}" == --testdata ]] && testdata="$3"
fixtures="$root/tests/Burnish.Core.Tests/fixtures/faces"
out="$root/bench/results/masks-mesh-cost.md"
mkdir -p "$root/bench/results"
{
    echo "# Face mesh: cost per face"
    echo
    echo "\`bench/masks-mesh-cost.sh $rounds\`, run $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores."
    echo
    dotnet run "$root/bench/masks-mesh-cost.cs" -- "$rounds" "$fixtures/children.jpg" "$fixtures/astronaut.jpg" \
        "$testdata/photos/kodak/kodim04.png" "$testdata/ai-generations/comfyui/flux__girl_in_field.png"
    echo
    echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$out"
