#!/usr/bin/env bash
# Before/after crops of the face work in cleanup (soften: [{auto: skin}], detail_faces) and of upscale.faces on real
# generations, made with `burnish compare` (its same-place crops, PNG at 100 %), joined into the JPEGs in docs/
# (before | after per crop). Usage: bench/faces-crops.sh [WORKDIR]   Needs the vips command line (libvips-tools).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
flux="$root/tests/Burnish.Core.Tests/fixtures/upscale/flux-girl-256.png"      # Flux dev, fixtures/upscale/SOURCES.md
woman="$root/tests/Burnish.Core.Tests/fixtures/faces/comfyui-woman-256.png"    # SD 1.5 inpainting, fixtures/faces/SOURCES.md

# One recipe per version: the master only (16-bit PNG), no grade, no sharpening, so only the face work differs.
recipe() { # NAME BODY
    printf 'version: 1\n%s\nexport:\n  master: {format: png}\n  copies: []\n' "$2" > "$work/$1.yaml"
}
recipe plain    'upscale: {model: realesr-general-x4v3, scale: 4}
cleanup: {}'
recipe skin     'upscale: {model: realesr-general-x4v3, scale: 4}
cleanup: {soften: [{auto: skin, amount: 0.8, radius: 6, edge: 4}]}'
recipe calm     'upscale: {model: realesr-general-x4v3, scale: 4}
cleanup: {detail: 0.4}'
recipe calmface 'upscale: {model: realesr-general-x4v3, scale: 4}
cleanup: {detail: 0.4, detail_faces: 1}'
recipe slim     'upscale: {model: esrgan-slim, scale: 4}'
recipe slimface 'upscale: {model: esrgan-slim, scale: 4, faces: {model: realesr-general-x4v3}}'

finish() { # INPUT RECIPE
    "$root/burnish" finish "$1" -r "$work/$2.yaml" -o "$work/$2" >/dev/null
    echo "$work/$2/$(basename "${1%.*}").master.png"
}

# compare BEFORE AFTER NAME: both masters cropped to the first face the after's sidecar records (a square around its
# box, a third larger each way, at most 640 px), compared with `burnish compare`, and the report's two images (before | after) joined into
# docs/faces-NAME.jpg. The compare report itself (metrics, lineage) stays in WORKDIR.
compare() {
    local sidecar="${2%.master.png}.burnish.json"
    read -r x y w h < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
def faces(o):
    if isinstance(o, dict):
        if isinstance(o.get("faces"), list) and o["faces"]: return o["faces"]
        for v in o.values():
            f = faces(v)
            if f: return f
    if isinstance(o, list):
        for v in o:
            f = faces(v)
            if f: return f
x, y, w, h = faces(d["stages"])[0]["box"]
side = min(640, max(w, h) * 5 // 3)
print(max(0, x + w // 2 - side // 2), max(0, y + h // 2 - side // 2), side, side)' "$sidecar")
    local size; size=$(vipsheader -f width "$1")x$(vipsheader -f height "$1")
    w=$(( x + w > ${size%x*} ? ${size%x*} - x : w )); h=$(( y + h > ${size#*x} ? ${size#*x} - y : h ))
    vips crop "$1" "$work/$3-before.png" "$x" "$y" "$w" "$h"
    vips crop "$2" "$work/$3-after.png" "$x" "$y" "$w" "$h"
    local report="$work/$3.html"
    "$root/burnish" compare "$work/$3-before.png" "$work/$3-after.png" -o "$report" --beside --crops 0 --force >/dev/null
    local files="${report%.html}_files"
    vips arrayjoin "$files/v1.jpg $files/v2.jpg" "$root/docs/faces-$3.jpg[Q=85,strip]" --across 2 --shim 6
    echo "docs/faces-$3.jpg: face box at ($x, $y) ${w}×${h} of the master, $(stat -c %s "$root/docs/faces-$3.jpg") bytes"
}

compare "$(finish "$woman" plain)" "$(finish "$woman" skin)" skin-woman
compare "$(finish "$flux" plain)" "$(finish "$flux" skin)" skin-flux
compare "$(finish "$woman" calm)" "$(finish "$woman" calmface)" detail-woman
compare "$(finish "$woman" slim)" "$(finish "$woman" slimface)" upscale-woman
compare "$(finish "$flux" slim)" "$(finish "$flux" slimface)" upscale-flux
