#!/usr/bin/env bash
# docs/faces-mesh-parts.jpg: the four face parts of the mesh outline (face, eyes, mouth, skin) on the astronaut (a test
# fixture), each as `burnish masks --overlay` draws it (mask tinted red, outlines green, landmarks cyan), cropped to the
# face and enlarged 2× side by side. Needs the `vips` command line. Usage: bench/faces-mesh-parts.sh [WORK-DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
image="$root/tests/Burnish.Core.Tests/fixtures/faces/astronaut.jpg"
tiles=()
for part in face eyes mouth skin; do
    "$root/burnish" masks "$image" --auto face --part "$part" -o "$work/$part.png" --overlay "$work/$part-overlay.png" --force >/dev/null
    vips crop "$work/$part-overlay.png" "$work/$part-crop.png" 160 60 130 130
    vips resize "$work/$part-crop.png" "$work/$part-big.png" 2 --kernel nearest
    tiles+=("$work/$part-big.png")
done
vips arrayjoin "${tiles[*]}" "$root/docs/faces-mesh-parts.jpg[Q=85,strip]" --across 4 --shim 6
echo "wrote docs/faces-mesh-parts.jpg (work files in $work)"
