#!/usr/bin/env bash
# Whole-process comparison, one hyperfine run: `burnish finish` on a 4096² image (identity grade) against the
# libvips CLI doing load → (colour) → resize → save of the same outputs. Writes bench/results/whole-process.md.
# Needs: hyperfine, GNU time, libvips-tools (vips), the profiles in src/Burnish.Core/Imaging/Profiles.
# After the timing, one run of each under GNU time adds peak RSS, user/sys time and minor page faults.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$root/bench/results"
mkdir -p "$results"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
for tool in hyperfine vips; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine libvips-tools)" >&2; exit 1; }; done
"$root/burnish" --help >/dev/null
# BEFORE=/path/to/another/checkout adds that build as a "before" command to the same hyperfine invocation, so both
# builds and the peer run under the same load. RUNS sets the runs per command (5).
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
 # build once, outside the timing

profiles="$root/src/Burnish.Core/Imaging/Profiles"
input="$work/gen-4096.png"
# A real generation enlarged to 4096² (8-bit RGB PNG, untagged like every AI output).
vips resize "$root/src/Burnish.Cli/samples/comfyui-sdxl-turbo.png" "$input" 8 --kernel lanczos3
cat > "$work/recipe.yaml" <<'YAML'
version: 1
export:
  master: {format: png, space: display-p3}
  copies:
    - {destination: web-2048, format: jpeg, quality: 88}
    - {destination: instagram-portrait, format: jpeg, quality: 90}
YAML

burnish_cmd="rm -rf $work/b && $root/burnish finish $input -r $work/recipe.yaml -o $work/b"
# The same three files with the libvips CLI: a 16-bit P3 master, and two sRGB JPEGs resized from the input.
vips_cmd="rm -rf $work/v && mkdir $work/v && \
vips icc_transform $input $work/v/m.png $profiles/display-p3.icc --input-profile $profiles/srgb.icc --depth 16 && \
vips thumbnail $input $work/v/web.jpg[Q=88,optimize-coding] 2048 --export-profile $profiles/srgb.icc && \
vips thumbnail $input $work/v/ig.jpg[Q=90,optimize-coding] 1080 --height 1350 --crop attention --export-profile $profiles/srgb.icc"

before_cmd="rm -rf $work/a && $before/burnish finish $input -r $work/recipe.yaml -o $work/a"
extra=()
[[ -z "$before" ]] || extra=(-n "burnish finish, before ($before)" "$before_cmd")
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$results/whole-process.md" \
    -n "burnish finish (master P3 16-bit + web-2048 + instagram-portrait)" "$burnish_cmd" \
    "${extra[@]}" \
    -n "vips CLI (icc_transform 16-bit + 2× thumbnail)" "$vips_cmd"
echo
echo "input: $(vipsheader "$input")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

{
    echo
    echo "| command | peak RSS | wall | user | sys | minor page faults |"
    echo "|---|---:|---:|---:|---:|---:|"
    peak "burnish finish" "$burnish_cmd"
    [[ -z "$before" ]] || peak "burnish finish, before" "$before_cmd"
    peak "vips CLI" "$vips_cmd"
} >> "$results/whole-process.md"
cat "$results/whole-process.md"
