#!/usr/bin/env bash
# Service benchmarks (issue 13): 1 worker against 2 for a batch of 20, the service's overhead per image against
# `burnish finish` of the same batch, and POST to the first progress event. All sides are interleaved round by
# round, so the machine's load falls on each alike. Two batches: the small test fixtures, and real-size
# generations from ../shared/testdata (skipped when it is absent). Writes bench/results/service.md.
# Usage: bench/service.sh [ROUNDS]   (default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
shared="$root/../shared/testdata/ai-generations"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/burnish" --help >/dev/null # build once, outside the timing
mkdir -p "$work/small" "$work/real" "$root/bench/results"
# 20 small generations: the two committed fixtures (256×192 A1111, 512² ComfyUI), alternating.
for i in $(seq -w 0 19); do
    if (( 10#$i % 2 == 0 )); then src=a1111-parameters.png; else src=comfyui-sdxl-turbo.png; fi
    cp "$root/tests/Burnish.Server.Tests/fixtures/$src" "$work/small/gen-$i.png"
done
source "$root/bench/service-sets.sh"
[[ ! -d "$shared" ]] || real_set "$work/real"
light_recipe "$work/recipe.yaml"
{
    echo "# Service benchmarks, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/service.sh $rounds\` on $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
    for set in small real; do
        [[ -n "$(ls "$work/$set")" ]] || continue
        echo
        if [[ $set == small ]]; then echo "## 20 small generations (256×192 and 512², the test fixtures)"
        else echo "## 20 real-size generations (512² to 1328², ../shared/testdata)"; fi
        echo
        python3 "$root/bench/service_bench.py" "$root/.build/cli/burnish.dll" "$work/$set" "$work/recipe.yaml" "$rounds"
    done
} | tee "$root/bench/results/service.md"
