#!/usr/bin/env bash
# Speed of the hand mask on 1024² generations: `burnish masks --auto hands --json` per image, its process CPU seconds
# (GNU time, user + sys) and the detection wall time it reports (models loaded); and the same on a 64² image, whose
# CPU is start-up, decoding and model loading only, so the difference is what detection costs. Writes
# bench/results/hands-speed.md. Timings depend on what else the machine runs; the load average is recorded.
# Usage: bench/hands-speed.sh [--testdata DIR]     (BURNISH=path/to/burnish overrides the launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
burnish="${BURNISH:-$root/burnish}"
"$burnish" --help >/dev/null
data="$root/../shared/testdata"
[[ "${1:-}" == --testdata ]] && data="$2"
out="$root/bench/results/hands-speed.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
run() { # image → "cpu_s hand_ms regions"
    /usr/bin/time -f "%U %S" -o "$tmp/t" "$burnish" masks "$1" --auto hands -o "$tmp/m.png" --json --force >"$tmp/j.json" 2>/dev/null
    python3 -c "import json,sys; u,s=open('$tmp/t').read().split(); d=json.load(open('$tmp/j.json')); print(f'{float(u)+float(s):.2f} {d[\"hand_ms\"]/1000:.2f} {len(d[\"regions\"])}')"
}
{
    echo "# Hand mask speed on 1024² images"
    echo
    echo "\`bench/hands-speed.sh\`, run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| image | hands | process CPU s | detection wall s |"
    echo "|---|---:|---:|---:|"
    read -r cpu wall n < <(run "$data/ai-generations/metadata-fixtures/AUTOMATIC1111/automatic1111_stealth.png")
    echo "| 64² baseline (start-up, decode, models) | $n | $cpu | $wall |"
    for f in cosmos_predict2__cosmos_predict2_2b_t2i_example flux__flux_dev_example sdxl__sdxl_simple_example hidream__hidream_dev_example; do
        read -r cpu wall n < <(run "$data/ai-generations/comfyui/$f.png")
        echo "| $f | $n | $cpu | $wall |"
    done
} | tee "$out"
