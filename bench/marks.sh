#!/usr/bin/env bash
# What brand marks cost (writes bench/results/marks.md): the commands interleaved round by round so load cancels.
#   burnish export, no marks:     a 2048² master → web-2048, instagram-square, x-post PNG copies;
#   burnish export, logo + text:  the same with --overlay (48 px RGBA logo, Adobe RGB, 15% wide) and --text;
#   libvips CLI, logo only:       the peer step a shell pipeline would add after the plain copies: `vips resize` the
#                                 logo and `vips composite2 … over` it onto each copy, in sRGB code values, no ICC.
# Peak memory of one run of each Burnish command by GNU time. Needs: hyperfine, libvips-tools, GNU time, python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$root/bench/results"
mkdir -p "$results"
for tool in hyperfine vips /usr/bin/time; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine libvips-tools time)" >&2; exit 1; }; done
"$root/burnish" --help >/dev/null
logo="$root/tests/Burnish.Core.Tests/fixtures/marks/logo-adobergb.png"
master="$work/gen.master.png"
vips resize "$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png" "$work/gen.v" 4 --kernel lanczos3
vips colourspace "$work/gen.v" "$master" rgb16
to=web-2048,instagram-square,x-post
plain="rm -rf $work/p && $root/burnish export $master -o $work/p --to $to --format png"
marked="rm -rf $work/m && $root/burnish export $master -o $work/m --to $to --format png --overlay $logo --text '© Burnish'"
# The peer stamps the plain copies made once here; logo 15% of each copy's width, 2% margin, bottom-right.
bash -c "$plain" >/dev/null
peer="rm -rf $work/v && mkdir $work/v"
for c in "web-2048 2048 2048" "instagram-square 1080 1080" "x-post 1600 900"; do
    read -r name w h <<< "$c"
    lw=$(( (w * 15 + 50) / 100 )); m=$(( ((w < h ? w : h) * 2 + 50) / 100 ))
    peer+=" && vips resize $logo $work/v/$name-logo.png $(awk -v a="$lw" 'BEGIN { print a / 48 }') --kernel lanczos3"
    peer+=" && vips composite2 $work/p/gen.$name.png $work/v/$name-logo.png $work/v/gen.$name.png over --x $((w - lw - m)) --y $((h - lw - m))"
done
# Interleaved: each round runs the three commands once, one after the other (hyperfine --runs 1), so a burst of load
# from elsewhere hits all three; the ratios are taken per round, then their median.
rounds=6
for r in $(seq 0 "$rounds"); do
    hyperfine --runs 1 --export-json "$work/round-$r.json" \
        -n "burnish export, no marks" "$plain" -n "burnish export, logo + text" "$marked" \
        -n "vips CLI: resize + composite2 the logo onto 3 copies" "$peer" >/dev/null
done
python3 - "$work" "$rounds" > "$work/hyperfine.md" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(f"{work}/round-{r}.json"))["results"] for r in range(1, rounds + 1)]  # round 0 warms up
names = [x["command"] for x in runs[0]]
times = {n: [next(x["mean"] for x in rnd if x["command"] == n) for rnd in runs] for n in names}
base = names[0]
print(f"{rounds} interleaved rounds after one warm-up round; ratio = median over rounds of (command / no marks) in the same round.")
print()
print("| Command | Median [s] | Min [s] | Max [s] | Ratio to no marks (median per round) |")
print("|:---|---:|---:|---:|---:|")
for n in names:
    ratio = statistics.median(t / b for t, b in zip(times[n], times[base]))
    print(f"| {n} | {statistics.median(times[n]):.2f} | {min(times[n]):.2f} | {max(times[n]):.2f} | {ratio:.2f} |")
PY
peak() { /usr/bin/time -v bash -c "$2" 2> "$work/time.txt" >/dev/null; awk -F': ' -v name="$1" '/Maximum resident set size/ {printf "| %s | %d MB |\n", name, $2 / 1024}' "$work/time.txt"; }
{
    echo "# Brand marks ($(date -u +%F), $(nproc) cores)"
    echo
    cat "$work/hyperfine.md"
    echo
    echo "| Command | Peak RSS |"
    echo "|:---|---:|"
    peak "burnish export, no marks" "$plain"
    peak "burnish export, logo + text" "$marked"
    peak "burnish export, logo only" "rm -rf $work/o && $root/burnish export $master -o $work/o --to $to --format png --overlay $logo"
    peak "burnish export, text only" "rm -rf $work/t && $root/burnish export $master -o $work/t --to $to --format png --text '© Burnish'"
} > "$results/marks.md"
cat "$results/marks.md"
