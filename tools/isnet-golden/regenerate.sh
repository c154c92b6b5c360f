#!/usr/bin/env bash
# Regenerates the subject-mask goldens in tests/Burnish.Core.Tests/fixtures/subject/golden: ISNet ("medium", the
# variant Burnish uses) from @imgly/background-removal-data on onnxruntime-node, with the pre/post-processing cut at
# run time out of @imgly/background-removal's own bundle (generate.js). Both packages are fetched with npm pack and
# checked against their SHA-512 (the data package's pin is the one in models/package.json); nothing of them is kept.
# With --fixtures, first remakes the small input PNGs from ../shared/testdata (or $SHARED/testdata).
# With --small, also writes the quantised variant's masks to $OUT (default /tmp/isnet-small) for the comparison in docs/masks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixtures="$root/tests/Burnish.Core.Tests/fixtures/subject"
data_pin="$(node -e "console.log(require('$root/models/package.json').optInPackages['@imgly/background-removal-data'].integrity)")"
web_pin="sha512-rkpID6Uoj7VWk51qwaumDFTO4YjlkwI99EBSyUiJk894hDQAp63KaoDaMSEqUqKehnmvXOVvld8ZH+6qy8XljA=="

(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --silent)

if [[ " $* " == *" --fixtures "* ]]; then
    shared="${SHARED:-$root/../shared}/testdata"
    node "$here/fixtures.js" "$shared/photos/kodak/kodim04.png" 2 "$fixtures/kodim04-woman.png"
    node "$here/fixtures.js" "$shared/ai-generations/comfyui/flux__girl_in_field.png" 4 "$fixtures/flux-girl-field.png"
    node "$here/fixtures.js" "$shared/ai-generations/a1111/dog_rel.png" 2 "$fixtures/sd-dog.png"
    node "$here/fixtures.js" "$shared/ai-generations/comfyui/sd3__sd3_anime_example.png" 4 "$fixtures/sd3-anime.png"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack @imgly/background-removal-data@1.4.5 @imgly/background-removal@1.4.5 --ignore-scripts --silent >/dev/null)
check() {
    local actual
    actual="sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
    [[ "$actual" == "$2" ]] || { echo "$1: integrity $actual does not match the pin $2" >&2; exit 1; }
}
check "$work/imgly-background-removal-data-1.4.5.tgz" "$data_pin"
check "$work/imgly-background-removal-1.4.5.tgz" "$web_pin"
mkdir -p "$work/data" "$work/web"
tar xzf "$work/imgly-background-removal-data-1.4.5.tgz" -C "$work/data"
tar xzf "$work/imgly-background-removal-1.4.5.tgz" -C "$work/web"
node "$here/generate.js" "$work/data/package" "$work/web/package/dist/index.mjs" medium "$fixtures/golden" "$fixtures"/*.png
if [[ " $* " == *" --small "* ]]; then
    node "$here/generate.js" "$work/data/package" "$work/web/package/dist/index.mjs" small "${OUT:-/tmp/isnet-small}" "$fixtures"/*.png
fi
