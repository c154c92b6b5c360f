#!/usr/bin/env bash
# Working memory per image (issue 11): the estimate `finish` makes before decoding, against the peak RSS that GNU
# time measures, for flat PNGs (a few kB each, like the 212 KB 8192² file of defect 7) with the shipped presets;
# then the worst case a budget admits. Writes bench/results/image-budget.md.
# Usage: bench/image-budget.sh [BUDGET_MB]   (default 1024: the largest square the web-only preset admits under it)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
budget="${1:-1024}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
command -v vips >/dev/null || { echo "needs vips (apt-get install libvips-tools)" >&2; exit 1; }
"$root/burnish" --help >/dev/null
dll="$root/.build/cli/burnish.dll"
flat() { vips black "$work/b.v" "$1" "$1" --bands 3 && vips linear "$work/b.v" "$work/flat-$1.png" 1 128 --uchar && rm -f "$work/b.v"; }
# The estimate, read from the refusal a 1 MB budget gives.
estimate() { dotnet "$dll" finish "$1" -o "$work/est" $2 --max-memory-mb 1 2>&1 | grep -o 'needs about [0-9.]* [MG]B' | head -1 | cut -d' ' -f3-4; }
# One run under GNU time: admitted or refused, peak RSS, wall.
run() { # image, recipe args, budget args
    rm -rf "$work/out"
    local status=admitted
    /usr/bin/time -f "%M %e" -o "$work/time.txt" dotnet "$dll" finish "$1" -o "$work/out" $2 $3 > "$work/log.txt" 2>&1 || status=refused
    grep -q "of working memory" "$work/log.txt" && status=refused
    read -r kb wall < "$work/time.txt"
    echo "$status | $((kb / 1024)) MB | ${wall} s"
}
{
    echo "# Working memory per image, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/image-budget.sh $budget\` on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, load average at start: $(cut -d' ' -f1-3 /proc/loadavg). Flat 8-bit RGB PNGs."
    echo
    echo "| input | recipe | estimate | budget | outcome | peak RSS | wall |"
    echo "|---|---|---:|---:|---|---:|---:|"
    for n in 1024 2048 4096 8192; do
        flat "$n"
        for preset in web-only print-master; do
            echo "| ${n}² | $preset | $(estimate "$work/flat-$n.png" "--preset $preset") | default | $(run "$work/flat-$n.png" "--preset $preset" "") |"
        done
    done
    # Squares whose estimates approach the budget (with 1024 MB: 968, 992 and 1018 MB, all admitted): the worst admitted cases.
    for n in 4000 4096 4200; do
        flat "$n"
        echo "| ${n}² | web-only | $(estimate "$work/flat-$n.png" "--preset web-only") | $budget MB | $(run "$work/flat-$n.png" "--preset web-only" "--max-memory-mb $budget") |"
    done
} | tee "$root/bench/results/image-budget.md"
