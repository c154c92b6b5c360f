#!/usr/bin/env bash
# Regenerates the super-resolution equivalence goldens in tests/Burnish.Core.Tests/fixtures/sr-golden/ by running
# the UpscalerJS models in TensorFlow.js 4.22 (wasm backend) in Node. Needs node + npm and, only to recreate the
# input images, the shared test data (TESTDATA, default /work/shared/testdata). Takes a few minutes (esrgan-thick).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/Burnish.Core.Tests/fixtures/sr-golden"
testdata="${TESTDATA:-/work/shared/testdata}"
npm_ci=(npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund)

(cd "$here" && "${npm_ci[@]}" >/dev/null)
(cd "$root/models" && "${npm_ci[@]}" >/dev/null)
mkdir -p "$out"

# Inputs: the 128 px fixture UpscalerJS made its samples from, and a 64 px crop (the fox's face) of an SDXL-Turbo
# generation from ComfyUI_examples. Their reference outputs from the packages are copied beside them.
if [[ ! -f "$out/fixture_128.png" ]]; then
    install -m 644 "$testdata/sr-benchmark/upscalerjs/fixture_128.png" "$out/"
fi
if [[ ! -f "$out/comfyui_fox_64.png" ]]; then
    node "$here/crop.js" "$testdata/ai-generations/comfyui/sdturbo__sdxlturbo_example.png" "$out/comfyui_fox_64.png" 252 218 64 64
fi
for f in default-model_x2_result.png esrgan-thick_x2_result.png esrgan-thick_x4_result.png; do
    [[ -f "$out/$f" ]] || install -m 644 "$testdata/sr-benchmark/upscalerjs/$f" "$out/"
done

node "$here/generate.js" "$root/models/node_modules" "$out" "$out"
