#!/usr/bin/env bash
# End-to-end cost of every candidate for `model: auto`: the whole `burnish upscale` process, file to file, on the
# 512² sample generation (comfyui-sdxl-turbo.png) to its model scale. Candidates run in interleaved rounds (round 1:
# every model, round 2: every model, …) so machine load hits them alike; GNU time gives wall, CPU seconds
# (user + sys, which load inflates far less than wall) and peak RSS; the table shows the median round.
# Writes bench/results/upscale-choice.md. BURNISH=path/to/burnish.dll runs a fixed build; ROUNDS (default 2); MODELS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
if [[ -n "${BURNISH:-}" ]]; then run=(dotnet "$BURNISH"); else run=("$root/burnish"); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
input="$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png"
models=(${MODELS:-esrgan-slim-x4 esrgan-medium-x4 realesr-animevideov3-x4 realesr-general-x4v3 realcugan-x2 realcugan-x4 realesrgan-x4plus-anime esrgan-thick-x4 realesrgan-x4plus})
"${run[@]}" models fetch >/dev/null
# An untimed run of each model first writes its pre-optimised session into the cache, as any first use does
# (WARM=0 skips it when the cache is known to be warm).
if [[ "${WARM:-1}" != 0 ]]; then
    for m in "${models[@]}"; do "${run[@]}" upscale "$input" -o "$work/warm.png" --model "$m" --force >/dev/null 2>&1; done
fi
load=$(cut -d' ' -f1 /proc/loadavg)
for round in $(seq "${ROUNDS:-2}"); do
    for m in "${models[@]}"; do
        /usr/bin/time -f "$m %e %U %S %M" -a -o "$work/times.txt" "${run[@]}" upscale "$input" -o "$work/$m.png" --model "$m" --force >/dev/null 2>&1
    done
done
{
    echo "# \`model: auto\` candidates end to end, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/upscale-choice.sh\`: \`burnish upscale\` of a 512² generation to each model's scale, whole process, $(nproc) cores, ${ROUNDS:-2} interleaved rounds (median shown), load average $load at the start (other jobs shared the machine)."
    echo
    echo "| model | output | wall s | CPU s (user+sys) | peak RSS |"
    echo "|---|---|---|---|---|"
    for m in "${models[@]}"; do
        size=$(python3 -c "import struct; d=open('$work/$m.png','rb').read(24); print('%dx%d' % struct.unpack('>II', d[16:24]))")
        python3 - "$m" "$size" "$work/times.txt" <<'PY'
import statistics, sys
m, size, path = sys.argv[1:]
rows = [l.split() for l in open(path) if l.split()[0] == m]
wall = statistics.median(float(r[1]) for r in rows)
cpu = statistics.median(float(r[2]) + float(r[3]) for r in rows)
rss = statistics.median(int(r[4]) for r in rows) / 1024
print(f"| {m} | {size} | {wall:.1f} | {cpu:.1f} | {rss:.0f} MiB |")
PY
    done
} > "$results/upscale-choice.md"
cat "$results/upscale-choice.md"
