#!/usr/bin/env bash
# Service benchmarks (issue 13): 1 worker against 2 for a batch of 20, the service's overhead per image against
# `burnish finish` of the same batch, and POST to the first progress event. All sides are interleaved round by
# round, so the machine's load falls on each alike. Writes bench/results/service.md.
# Usage: bench/service.sh [ROUNDS]   (default 3; each round is 4 batches of 20 small images)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/burnish" --help >/dev/null # build once, outside the timing
mkdir -p "$work/gens" "$root/bench/results"
# 20 real generations: the two committed fixtures (256×192 A1111, 512² ComfyUI), alternating.
for i in $(seq -w 0 19); do
    if (( 10#$i % 2 == 0 )); then src=a1111-parameters.png; else src=comfyui-sdxl-turbo.png; fi
    cp "$root/tests/Burnish.Server.Tests/fixtures/$src" "$work/gens/gen-$i.png"
done
# The light recipe of the scale-out test: a look, the 16-bit master and one small JPEG copy.
cat > "$work/recipe.yaml" <<'YAML'
version: 1
grade: {preset: warm-golden}
export:
  master: {format: png}
  copies: [{long_edge: 256, format: jpeg, quality: 85}]
YAML
{
    echo "# Service benchmarks, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/service.sh $rounds\` on $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    python3 "$root/bench/service_bench.py" "$root/.build/cli/burnish.dll" "$work/gens" "$work/recipe.yaml" "$rounds"
} | tee "$root/bench/results/service.md"
