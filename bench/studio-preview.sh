#!/usr/bin/env bash
# The studio's live look preview: time of GET /v1/previews/{id}?look=NAME for a 1024-px preview, measured by the
# server (its Server-Timing header: grade, sRGB conversion and JPEG encode) and by the client (curl's total, on
# loopback). Writes bench/results/studio-preview.md. The issue's bound is 300 ms for a 1024-px preview.
# Input: a 1024×1024 Flux generation from the team's testdata (or the path given as $1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
input="${1:-$root/../shared/testdata/ai-generations/comfyui/flux__flux_schnell_example.png}"
[[ -f "$input" ]] || input=/work/shared/testdata/ai-generations/comfyui/flux__flux_schnell_example.png
runs="${RUNS:-20}"
work="$(mktemp -d)"
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$root/burnish" --help >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/burnish" serve --listen "127.0.0.1:$port" --data "$work/data" --workers 0 >"$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
url="$base$(curl -fs -F "image=@$input" "$base/v1/previews" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')"
looks=$(curl -fs "$base/v1/looks" | python3 -c 'import json,sys; print(" ".join(l["name"] for l in json.load(sys.stdin)["looks"]))')
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# Studio look preview"
    echo
    echo "\`bench/studio-preview.sh\`, $(date -u +%Y-%m-%d), $runs requests per look after one warm-up, on $(nproc) cores"
    echo "with load average $load (the shared machine: other builds running, so these are upper bounds)."
    echo "Input: \`$(basename "$input")\`, $(python3 -c "import struct,sys; b=open(sys.argv[1],'rb').read(24); print('%d×%d' % struct.unpack('>II', b[16:24]))" "$input"); the preview's long edge is 1024 px."
    echo "Server: the render as the server times it (grade, sRGB, JPEG q85). Client: curl's total time on loopback."
    echo "CPU: the server process's user + system time over the look's requests, per request (from /proc; a load-independent"
    echo "figure: on an idle machine a preview cannot take longer than its CPU time unless it waits on something, which it does not)."
    echo
    echo "| look | server p50 | server p95 | client p50 | client p95 | server CPU per request |"
    echo "|---|---:|---:|---:|---:|---:|"
    for look in none $looks; do
        curl -fs -o /dev/null "$url?look=$look"
        : > "$work/times"
        cpu_before=$(awk '{print $14 + $15}' "/proc/$server/stat")
        for _ in $(seq "$runs"); do
            curl -fs -D "$work/headers" -o /dev/null -w '%{time_total}' "$url?look=$look" > "$work/total"
            render=$(grep -i '^server-timing:' "$work/headers" | sed -E 's/.*dur=([0-9.]+).*/\1/')
            echo "$render $(awk '{print $1 * 1000}' "$work/total")" >> "$work/times"
        done
        cpu_ms=$(awk -v b="$cpu_before" -v hz="$(getconf CLK_TCK)" -v n="$runs" '{print ($14 + $15 - b) * 1000 / hz / n}' "/proc/$server/stat")
        python3 - "$look" "$work/times" "$cpu_ms" <<'PY'
import sys
look, path, cpu = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
def q(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]
s = [r[0] for r in rows]; c = [r[1] for r in rows]
print(f"| {look} | {q(s, .5):.0f} ms | {q(s, .95):.0f} ms | {q(c, .5):.0f} ms | {q(c, .95):.0f} ms | {cpu:.0f} ms |")
PY
    done
} | tee "$root/bench/results/studio-preview.md"
