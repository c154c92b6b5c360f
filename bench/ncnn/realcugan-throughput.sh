#!/usr/bin/env bash
# Whole-process throughput: `burnish upscale -m realcugan-x2` against realcugan-ncnn-vulkan -g -1 (ncnn's x86 CPU
# path) on the same weights, input and thread count, at 256² and 512² (the difference cancels start-up).
# Usage: realcugan-throughput.sh BURNISH_DLL INPUT_PNG [THREADS]
# Needs: hyperfine, GNU time, the model cache filled ($BURNISH_MODELS; `burnish models fetch` or any realcugan run).
# realcugan-ncnn-vulkan is the copy the cache unpacked from waifu2x@1.6.5; it runs with -c 1, its exact sync-gap mode,
# which is what Burnish computes, and -t 400 (its CPU default).
set -euo pipefail
dll=$(realpath "$1"); src=$(realpath "$2"); threads=${3:-2}
models=${BURNISH_MODELS:-$HOME/.cache/burnish/models}
cugan="$models/ncnn/packages/waifu2x/real-cugan"
runner=$(dirname "$0")/../../.build/ncnn-reference/ncnn_run # tools/ncnn-reference/build.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for n in 256 512; do
    "$runner" crop "$src" "$tmp/in$n.png" 0 0 "$n"
done
for n in 256 512; do
    hyperfine --runs 3 --export-markdown "$tmp/h$n.md" \
        -n "burnish $n" "dotnet $dll upscale $tmp/in$n.png -o $tmp/b$n.png -m realcugan-x2 --threads $threads --force" \
        -n "realcugan-ncnn-vulkan $n" "cd $cugan && ./realcugan-ncnn-vulkan -g -1 -j 1:$threads:1 -s 2 -n -1 -c 1 -t 400 -m models-se -i $tmp/in$n.png -o $tmp/r$n.png" >/dev/null
    cat "$tmp/h$n.md"
    /usr/bin/time -f "burnish $n: peak RSS %M KB" dotnet "$dll" upscale "$tmp/in$n.png" -o "$tmp/b$n.png" -m realcugan-x2 --threads "$threads" --force >/dev/null
    (cd "$cugan" && /usr/bin/time -f "realcugan-ncnn-vulkan $n: peak RSS %M KB" ./realcugan-ncnn-vulkan -g -1 -j 1:"$threads":1 -s 2 -n -1 -c 1 -t 400 -m models-se -i "$tmp/in$n.png" -o "$tmp/r$n.png" >/dev/null 2>"$tmp/err" ; grep "peak RSS" "$tmp/err")
done
