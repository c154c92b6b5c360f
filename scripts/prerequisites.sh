#!/usr/bin/env bash
# Installs what Burnish needs beyond the .NET SDK on a fresh Debian machine: LittleCMS 2 (colour transforms).
# libvips comes from NuGet (NetVips.Native), so nothing else is needed. Safe to run again.
set -euo pipefail
if ! command -v dotnet >/dev/null; then
    echo "burnish: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
    exit 1
fi
if ! ldconfig -p 2>/dev/null | grep -q 'liblcms2\.so\.2'; then
    echo "burnish: installing liblcms2-2 (LittleCMS) with apt-get" >&2
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq liblcms2-2 >/dev/null
fi
