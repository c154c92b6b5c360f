#!/usr/bin/env bash
# Speed of the face mask on 1024² generations: `burnish masks --auto face --json`, 3 runs per image; the median of the
# detection time it reports (models loaded, as for each image of a batch) and of the whole process. Writes
# bench/results/masks-speed.md. Timings depend on what else the machine runs.
# Usage: bench/masks-speed.sh [--testdata DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/burnish" --help >/dev/null
data="$root/../shared/testdata"
[[ "${1:-}" == --testdata ]] && data="$2"
out="$root/bench/results/masks-speed.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
{
    echo "# Face mask speed on 1024² images"
    echo
    echo "\`bench/masks-speed.sh\`, run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; median of 3 runs."
    echo
    echo "| image | flip | detection s | whole process s |"
    echo "|---|---|---:|---:|"
    for f in flux__flux_dev_example.png flux__girl_in_field.png sdxl__sdxl_simple_example.png hidream__hidream_dev_example.png; do
        for flip in no yes; do
            args=(); [[ $flip == yes ]] && args=(--flip)
            det=(); wall=()
            for run in 1 2 3; do
                start=$(date +%s.%N)
                ms=$("$root/burnish" masks "$data/ai-generations/comfyui/$f" --auto face -o "$tmp/m.png" --json --force "${args[@]}" \
                    | python3 -c 'import json,sys; print(json.load(sys.stdin)["face_ms"])')
                end=$(date +%s.%N)
                det+=("$ms"); wall+=("$(python3 -c "print($end - $start)")")
            done
            python3 - "$f" "$flip" "${det[@]}" "${wall[@]}" <<'PY'
import statistics, sys
f, flip, vals = sys.argv[1], sys.argv[2], [float(v) for v in sys.argv[3:]]
print(f"| {f} | {flip} | {statistics.median(vals[:3]) / 1000:.2f} | {statistics.median(vals[3:]):.2f} |")
PY
        done
    done
} | tee "$out"
