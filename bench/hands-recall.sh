#!/usr/bin/env bash
# Hand-mask recall and false alarms per style, on the hand-labelled photos and generations of shared/testdata
# (labels: bench/masks/hand-labels.json), at several palm-score thresholds. Writes bench/results/hands-recall.md and .json.
# Usage: bench/hands-recall.sh [--testdata DIR]   (default: ../shared/testdata beside the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/burnish" --help >/dev/null
mkdir -p "$root/bench/results"
exec /usr/bin/python3 "$root/bench/hands_recall.py" --burnish "$root/burnish" --labels "$root/bench/masks/hand-labels.json" \
    --results "$root/bench/results/hands-recall" "$@"
