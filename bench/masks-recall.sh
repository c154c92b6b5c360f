#!/usr/bin/env bash
# Face-mask recall and false alarms per style, on the hand-labelled photos and generations of shared/testdata
# (labels: bench/masks/face-labels.json), at several score thresholds, with and without the test-time flip; and the
# speed of `burnish masks --auto face` on 1024² images; and the default as shipped (min score 0.75, faces down to 0.6 kept when
# the face mesh confirms them). Writes bench/results/masks-recall.md and .json.
# Usage: bench/masks-recall.sh [--testdata DIR]   (default: ../shared/testdata beside the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/burnish" --help >/dev/null
mkdir -p "$root/bench/results"
exec /usr/bin/python3 "$root/bench/masks_recall.py" --burnish "$root/burnish" --labels "$root/bench/masks/face-labels.json" \
    --results "$root/bench/results/masks-recall" "$@"
