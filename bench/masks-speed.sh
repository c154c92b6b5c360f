#!/usr/bin/env bash
# Speed of the automatic masks (face, hands, person, subject) on four 1024² generations, against the goals of
# docs/masks.md: face ≤ 0.3 s, hands ≤ 0.5 s, subject ≤ 2 s. Three tables, each figure beside the 1-minute load average
# when it was taken (a shared machine inflates wall time, and CPU time less):
#   1. detection with the models loaded, what each image of a batch costs: process CPU and wall seconds, median of
#      RUNS after a warm-up (bench/masks-profile.cs detect; subject at most 3);
#   2. the whole process, `burnish masks IMAGE --auto KIND`: .NET start, decoding, model loading, detection, writing
#      the mask (GNU time: user + sys, wall, peak RSS), median of PROCESS_RUNS;
#   3. where the time goes on the first image (bench/masks-profile.cs steps).
# With --against CHECKOUT (another checkout of Burnish, such as the commit before a change), table 1 also times that
# checkout's detectors, interleaved with this one's image by image, and gives the ratio of CPU seconds.
# The subject rows need the opt-in model (burnish models fetch isnet) and are left out without it.
# Writes bench/results/masks-speed.md.
# Usage: bench/masks-speed.sh [--testdata DIR] [--runs N] [--process-runs N] [--kinds face,face-flip,hands,person,subject] [--against CHECKOUT]
# (face-flip: the face detector with the test-time flip, `--flip`; timed with the models loaded only)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
burnish="$root/burnish"
"$burnish" --help >/dev/null
data="$root/../shared/testdata"
runs=5
process_runs=3
kinds=face,face-flip,hands,person,subject
against=
while [[ $# -gt 0 ]]; do
    case "$1" in
        --testdata) data="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --process-runs) process_runs="$2"; shift 2 ;;
        --kinds) kinds="$2"; shift 2 ;;
        --against) against="$(cd "$2" && pwd)"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
if [[ ,$kinds, == *,subject,* ]] && ! "$burnish" models list 2>/dev/null | grep -E '^ +isnet +cached' >/dev/null; then
    echo "masks-speed: the isnet model is not fetched (burnish models fetch isnet); subject rows left out" >&2
    kinds="$(echo ",$kinds," | sed 's/,subject,/,/; s/^,//; s/,$//')"
fi
out="$root/bench/results/masks-speed.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
images=()
for f in flux__flux_dev_example flux__girl_in_field sdxl__sdxl_simple_example hidream__hidream_dev_example; do
    images+=("$data/ai-generations/comfyui/$f.png")
done
load() { cut -d' ' -f1 /proc/loadavg; }
profile() { (cd "$root" && dotnet run -c Release bench/masks-profile.cs -- "$@"); }
# The same harness built against the other checkout's sources.
if [[ -n $against ]]; then
    sed "s|^#:project .*|#:project $against/src/Burnish.Core/Burnish.Core.csproj|" "$root/bench/masks-profile.cs" > "$tmp/masks-profile.cs"
fi
profile_against() { (cd "$against" && dotnet run -c Release "$tmp/masks-profile.cs" -- "$@"); }

# Built before anything is timed.
profile detect 1 face "$root/tests/Burnish.Core.Tests/fixtures/subject/sd-dog.png" >/dev/null
[[ -z $against ]] || profile_against detect 1 face "$root/tests/Burnish.Core.Tests/fixtures/subject/sd-dog.png" >/dev/null
{
    echo "# Automatic mask speed on 1024² images"
    echo
    echo "\`bench/masks-speed.sh\`, run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
    echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start. Goals: face ≤ 0.3 s, hands ≤ 0.5 s, subject ≤ 2 s."
    echo
    echo "## Detection with the models loaded (each image of a batch), median of $runs"
    echo
    if [[ -z $against ]]; then
        echo "| image | kind | found | CPU s | wall s | load |"
        echo "|---|---|---:|---:|---:|---:|"
        profile detect "$runs" "$kinds" "${images[@]}" | tee "$tmp/detect.tsv" \
            | awk -F'\t' '{ printf "| %s | %s | %s | %.3f | %.3f | %s |\n", $1, $2, $3, $4 / 1000, $5 / 1000, $6 }'
    else
        echo "Interleaved image by image with \`$against\` ($(git -C "$against" log -1 --format='%h %s' | cut -c1-60)…)."
        echo
        echo "| image | kind | found before | found | CPU s before | CPU s | CPU ratio | wall s before | wall s | load |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        for image in "${images[@]}"; do
            profile_against detect "$runs" "$kinds" "$image" > "$tmp/before.tsv"
            profile detect "$runs" "$kinds" "$image" > "$tmp/after.tsv"
            paste "$tmp/before.tsv" "$tmp/after.tsv" | awk -F'\t' \
                '{ printf "| %s | %s | %s | %s | %.3f | %.3f | %.2f | %.3f | %.3f | %s, %s |\n", $1, $2, $3, $9, $4 / 1000, $10 / 1000, $10 / $4, $5 / 1000, $11 / 1000, $6, $12 }'
        done
    fi
    echo
    echo "## Whole process, \`burnish masks IMAGE --auto KIND\`, median of $process_runs"
    echo
    echo "| image | kind | process CPU s | wall s | peak RSS MB | load |"
    echo "|---|---|---:|---:|---:|---:|"
    for image in "${images[@]}"; do
        for kind in $(echo "${kinds//,/ }" | sed 's/face-flip//'); do
            rows=()
            for ((run = 0; run < process_runs; run++)); do
                l=$(load)
                /usr/bin/time -f "%U %S %e %M" -o "$tmp/time" "$burnish" masks "$image" --auto "$kind" -o "$tmp/m.png" --json --force >/dev/null 2>"$tmp/err"
                rows+=("$(tail -1 "$tmp/time") $l")
            done
            python3 - "$(basename "$image")" "$kind" "${rows[@]}" <<'PY'
import statistics, sys
name, kind, rows = sys.argv[1], sys.argv[2], [list(map(float, r.split())) for r in sys.argv[3:]]
cpu = statistics.median(u + s for u, s, *_ in rows)
wall = statistics.median(r[2] for r in rows)
rss = statistics.median(r[3] for r in rows) / 1024
print(f"| {name} | {kind} | {cpu:.2f} | {wall:.2f} | {rss:.0f} | {min(r[4] for r in rows):.2f}–{max(r[4] for r in rows):.2f} |")
PY
        done
    done
    echo
    echo "## Where the time goes ($(basename "${images[0]}"), median of $runs)"
    echo
    profile steps "$runs" "${images[0]}" $([[ ,$kinds, == *,subject,* ]] && echo subject)
} | tee "$out"
