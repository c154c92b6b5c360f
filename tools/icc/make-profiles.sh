#!/usr/bin/env bash
# Regenerates the ICC profiles shipped in src/Burnish.Core/Imaging/Profiles/.
# Needs a C compiler and the LittleCMS 2 development package (Debian: liblcms2-dev).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/src/Burnish.Core/Imaging/Profiles"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"${CC:-cc}" -std=c99 -O2 -Wall -Wextra -o "$tmp/make-profiles" "$here/make-profiles.c" -llcms2 -lm
mkdir -p "$out"
"$tmp/make-profiles" "$out"
