#!/usr/bin/env bash
# The text mask on the labelled images (bench/masks/face-labels.json): pixels it masks in all and inside the
# hand-labelled face boxes, with the face veto (the default) and without it (--text-on-faces). Writes
# bench/results/masks-text-veto.md. Usage: bench/masks-text-veto.sh [--testdata DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/burnish" --help >/dev/null
mkdir -p "$root/bench/results"
exec /usr/bin/python3 "$root/bench/masks_text_veto.py" --burnish "$root/burnish" --labels "$root/bench/masks/face-labels.json" \
    --results "$root/bench/results/masks-text-veto.md" "$@"
