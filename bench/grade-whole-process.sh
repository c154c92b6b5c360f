#!/usr/bin/env bash
# Whole-process comparison for a full grade, one hyperfine run (writes bench/results/grade-whole-process.md):
#   burnish finish: WB, curve, split tone, vibrance, LUT, grain, halation; a 16-bit P3 master, two sharpened copies
#                   and a sidecar;
#   libvips CLI:    linear contrast, sharpen, 16-bit PNG master, half-size JPEG;
#   ImageMagick 6:  -sigmoidal-contrast 3,50% -modulate 100,110 -unsharp 0x1+0.5+0, a 16-bit PNG master, a 2048 px JPEG.
# Needs: hyperfine, libvips-tools, imagemagick (Debian's convert-im6.q16).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$root/bench/results"
mkdir -p "$results"
im=/usr/bin/convert-im6.q16
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
for tool in hyperfine vips $([[ -n "${NO_IM:-}" ]] || echo "$im"); do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine libvips-tools imagemagick)" >&2; exit 1; }; done
"$root/burnish" --help >/dev/null
# BEFORE=/path/to/another/checkout adds that build as a "before" command to the same hyperfine invocation, so both
# builds and the peers run under the same load. RUNS sets the runs per command (3); NO_IM=1 leaves ImageMagick out.
before="${BEFORE:-}"
[[ -z "$before" ]] || "$before/burnish" --help >/dev/null
# Peak memory, page faults and kernel time of one run of each command (GNU time), appended to the results file.
peak() { # name command
    /usr/bin/time -v bash -c "$2" 2> "$work/time.txt" >/dev/null
    awk -F': ' -v name="$1" '
        /Maximum resident set size/ {rss = $2}
        /Minor \(reclaiming a frame\) page faults/ {faults = $2}
        /System time/ {sys = $2}
        /User time/ {user = $2}
        /Elapsed \(wall clock\)/ {wall = $2}
        END {printf "| %s | %d MB | %s | %s s | %s s | %s |\n", name, rss / 1024, wall, user, sys, faults}' "$work/time.txt"
}


input="$work/gen-4096.png"
vips resize "$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png" "$input" 8 --kernel lanczos3
lut="$work/filmic-33.cube"
gunzip -c "$root/tests/Burnish.Core.Tests/fixtures/golden/lut/filmic-33.cube.gz" > "$lut"
cat > "$work/recipe.yaml" <<YAML
version: 1
grade:
  white_balance: {temperature: 8, tint: 1}
  tone: {contrast: 0.12, black_lift: 0.02, curve: [[0.25, 0.23], [0.75, 0.78]]}
  split_tone:
    shadows: {hue: 200, amount: 0.05}
    highlights: {hue: 40, amount: 0.05}
  vibrance: 0.1
  lut: {file: $lut, strength: 0.5}
  grain: {}
  halation: {amount: 0.2}
sharpen: {}
export:
  master: {format: png, space: display-p3}
  copies:
    - {destination: web-2048, format: jpeg, quality: 88}
    - {destination: instagram-portrait, format: jpeg, quality: 90}
YAML
"$root/burnish" recipe validate "$work/recipe.yaml"

burnish_cmd="rm -rf $work/b && $root/burnish finish $input -r $work/recipe.yaml -o $work/b"
vips_cmd="rm -rf $work/v && mkdir $work/v && vips linear -- $input $work/v/c.v 1.15 -19 && vips sharpen $work/v/c.v $work/v/s.v && \
vips colourspace $work/v/s.v $work/v/master.png rgb16 && vips resize $work/v/s.v $work/v/half.jpg[Q=88] 0.5"
im_cmd="rm -rf $work/m && mkdir $work/m && $im $input -sigmoidal-contrast 3,50% -modulate 100,110 -unsharp 0x1+0.5+0 \
-depth 16 -write PNG48:$work/m/master.png -resize 2048x2048 -depth 8 -quality 88 $work/m/web.jpg"

before_cmd="rm -rf $work/a && $before/burnish finish $input -r $work/recipe.yaml -o $work/a"
extra=()
[[ -z "$before" ]] || extra+=(-n "burnish finish, before ($before)" "$before_cmd")
[[ -n "${NO_IM:-}" ]] || extra+=(-n "ImageMagick 6 (sigmoidal-contrast, modulate, unsharp, PNG48, 2048 JPEG)" "$im_cmd")
hyperfine --warmup 1 --runs "${RUNS:-3}" --export-markdown "$results/grade-whole-process.md" \
    -n "burnish finish (full grade, P3 16-bit master, 2 sharpened copies, sidecar)" "$burnish_cmd" \
    -n "vips CLI (linear, sharpen, 16-bit PNG, half-size JPEG)" "$vips_cmd" \
    "${extra[@]}"

{
    echo
    echo "| command | peak RSS | wall | user | sys | minor page faults |"
    echo "|---|---:|---:|---:|---:|---:|"
    peak "burnish finish" "$burnish_cmd"
    [[ -z "$before" ]] || peak "burnish finish, before" "$before_cmd"
    peak "vips CLI" "$vips_cmd"
    [[ -n "${NO_IM:-}" ]] || peak "ImageMagick 6" "$im_cmd"
} >> "$results/grade-whole-process.md"
cat "$results/grade-whole-process.md"
