#!/usr/bin/env bash
# Repair quality against real peers (writes bench/results/repair-quality.md and the docs/repair-*.jpg pictures):
#   burnish repair --method fill and --method telea;
#   OpenCV Telea and Navier-Stokes (cv2.inpaint, radius 5; Debian python3-opencv);
#   G'MIC's patch-based inpaint (gmic -inpaint, patch 7; Debian gmic).
# Cases: the image+mask pairs of shared/testdata/inpaint, and synthetic boxes (5, 10, 25 %) and brush strokes
# (5, 10 %) on photos and generations whose truth is known. Masked pixels are set to black in the input.
# Metrics and their definitions: bench/repair_quality.py and docs/repair.md.
# Needs: the Debian packages python3-opencv, python3-skimage and gmic (installed here when missing, with apt-get).
# BURNISH_TESTDATA points at shared/testdata (default: ../shared/testdata beside the repository). --quick: a few cases.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
testdata="${BURNISH_TESTDATA:-$root/../shared/testdata}"
[[ -d "$testdata/inpaint" ]] || { echo "test data not found at $testdata (set BURNISH_TESTDATA)" >&2; exit 1; }
py=/usr/bin/python3 # Debian's Python, where python3-opencv and python3-skimage install

missing=()
"$py" -c 'import cv2' 2>/dev/null || missing+=(python3-opencv)
"$py" -c 'import skimage' 2>/dev/null || missing+=(python3-skimage)
command -v gmic >/dev/null || missing+=(gmic)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing ${missing[*]} with apt-get" >&2
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

"$root/burnish" --help >/dev/null # builds the CLI once
mkdir -p "$root/bench/results"
"$py" "$root/bench/repair_quality.py" --burnish "$root/burnish" --testdata "$testdata" \
    --results "$root/bench/results/repair-quality.md" --json "$root/bench/results/repair-quality.json" \
    --pictures "$root/docs" "$@"
