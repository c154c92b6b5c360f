#!/usr/bin/env bash
# Same-place crops of every model family on real generations, made by `burnish compare`: a 128² region of an
# illustrated, an anime and a photoreal generation, enlarged ×4 by each family; compare picks the crop (its most detailed
# place) and cuts it at the same place from every version; the crops are joined left to right into one small JPEG
# per generation under docs/ (the input, nearest-neighbour, first).
# Usage: model-crops.sh DLL [NAME:FILE:X:Y …]   (writes docs/upscale-crops-NAME.jpg)
set -euo pipefail
dll=$(realpath "$1")
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gens=/work/shared/testdata/ai-generations/comfyui
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
models=(esrgan-medium realesrgan-x4plus realesr-general-x4v3 realesrgan-x4plus-anime realesr-animevideov3-x4 realcugan-x4)
specs=("${@:2}")
[[ ${#specs[@]} -gt 0 ]] || specs=(flux-girl:flux__girl_in_field.png:448:300 sd3-anime:sd3__sd3_anime_example.png:460:340 sd35-photo:sd3__sd3.5_simple_example.png:200:250)
for spec in "${specs[@]}"; do
    IFS=: read -r name file x y <<<"$spec"
    vips crop "$gens/$file" "$tmp/$name.png" "$x" "$y" 128 128
    versions=("$tmp/$name.png")
    for m in "${models[@]}"; do
        dotnet "$dll" upscale "$tmp/$name.png" -o "$tmp/$name.$m.png" -m "$m" --scale 4 --threads 2 --force >/dev/null
        versions+=("$tmp/$name.$m.png")
    done
    dotnet "$dll" compare "${versions[@]}" -o "$tmp/$name.html" --beside --crops 1 --crop-size 192 --force >/dev/null
    # The input's crop is a quarter the size: shown ×4 nearest-neighbour, pixels as they are.
    vips resize "$tmp/${name}_files/crop1-v1.png" "$tmp/${name}_files/crop1-v1x4.png" 4 --kernel nearest
    crops=("$tmp/${name}_files/crop1-v1x4.png")
    for i in $(seq 2 ${#versions[@]}); do crops+=("$tmp/${name}_files/crop1-v$i.png"); done
    vips arrayjoin "${crops[*]}" "$root/docs/upscale-crops-$name.jpg[Q=82,strip]" --across ${#crops[@]} --shim 4
    echo "docs/upscale-crops-$name.jpg: input ×4 nearest, ${models[*]}"
done
