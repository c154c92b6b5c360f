#!/usr/bin/env bash
# How far two independent jobs at once can scale on this machine (the ceiling for issue 13's "2 workers ≥ 1.7×"):
# one stream of 20 real-size generations against two streams of 10 at once, each stream one thread, for
#   - the libvips CLI doing a comparable job (16-bit Display P3 master + a 256 px JPEG copy per image),
#   - `burnish finish -j 1` with the service benchmark's light recipe (two processes against one),
#   - gzip over a cached file (pure CPU, no image code: the bare machine).
# One hyperfine run; the ratio one stream / two streams is printed per tool. Writes bench/results/scaling-ceiling.md.
# Needs: hyperfine, libvips-tools, gzip, ../shared/testdata. Usage: bench/scaling-ceiling.sh [RUNS] (default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
shared="$root/../shared/testdata/ai-generations"
for tool in hyperfine vips gzip; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install hyperfine libvips-tools gzip)" >&2; exit 1; }; done
[[ -d "$shared" ]] || { echo "needs ../shared/testdata" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$root/bench/results"
mkdir -p "$results" "$work/all" "$work/a" "$work/b"
"$root/burnish" --help >/dev/null # build once, outside the timing
profiles="$root/src/Burnish.Core/Imaging/Profiles"
# The real-size set and light recipe of bench/service.sh; halves a and b (even and odd) for the two streams.
source "$root/bench/service-sets.sh"
real_set "$work/all"
for i in $(seq 0 19); do
    name="gen-$(printf %02d "$i").png"
    if (( i % 2 == 0 )); then ln "$work/all/$name" "$work/a/$name"; else ln "$work/all/$name" "$work/b/$name"; fi
done
light_recipe "$work/recipe.yaml"
# 64 MB of an image's raw pixels, read once so it is cached: gzip's input.
vips copy "$work/all/gen-00.png" "$work/raw.v"
for i in $(seq 1 16); do cat "$work/raw.v"; done | head -c 64M > "$work/raw.bin"

# One stream of the libvips job over a folder (one thread: VIPS_CONCURRENCY=1).
cat > "$work/vips-stream.sh" <<SH
#!/usr/bin/env bash
set -e
out="\$2"; rm -rf "\$out"; mkdir -p "\$out"
for f in "\$1"/*.png; do
    n="\$(basename "\$f" .png)"
    VIPS_CONCURRENCY=1 vips icc_transform "\$f" "\$out/\$n.master.png" $profiles/display-p3.icc --input-profile $profiles/srgb.icc --depth 16
    VIPS_CONCURRENCY=1 vips thumbnail "\$f" "\$out/\$n.jpg[Q=85]" 256 --export-profile $profiles/srgb.icc
done
SH
chmod +x "$work/vips-stream.sh"
# One thread per image: .NET (and so Burnish) takes DOTNET_PROCESSOR_COUNT as the core count.
burnish="DOTNET_PROCESSOR_COUNT=1 $root/burnish finish"
w="$work"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/table.md" --export-json "$work/times.json" \
    -n "vips, 1 stream of 20" "$w/vips-stream.sh $w/all $w/v0" \
    -n "vips, 2 streams of 10 at once" "$w/vips-stream.sh $w/a $w/va & $w/vips-stream.sh $w/b $w/vb & wait" \
    -n "burnish, 1 process of 20" "rm -rf $w/o0 && $burnish $w/all -r $w/recipe.yaml -o $w/o0 -j 1 >/dev/null" \
    -n "burnish, 2 processes of 10 at once" "rm -rf $w/oa $w/ob && { $burnish $w/a -r $w/recipe.yaml -o $w/oa -j 1 >/dev/null & $burnish $w/b -r $w/recipe.yaml -o $w/ob -j 1 >/dev/null & wait; }" \
    -n "gzip, 1 stream of 2 × 64 MB" "gzip -6 -c $w/raw.bin >/dev/null; gzip -6 -c $w/raw.bin >/dev/null" \
    -n "gzip, 2 streams of 64 MB at once" "gzip -6 -c $w/raw.bin >/dev/null & gzip -6 -c $w/raw.bin >/dev/null & wait"
{
    echo "# Scaling ceiling, $(date -u +%Y-%m-%d)"
    echo
    echo "\`bench/scaling-ceiling.sh $runs\` on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    cat "$work/table.md"
    echo
    echo "| job | 1 stream / 2 streams at once |"
    echo "|---|---:|"
    python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
for tool, one, two in (("libvips CLI", "vips, 1 stream of 20", "vips, 2 streams of 10 at once"),
                       ("burnish finish", "burnish, 1 process of 20", "burnish, 2 processes of 10 at once"),
                       ("gzip (bare CPU)", "gzip, 1 stream of 2 × 64 MB", "gzip, 2 streams of 64 MB at once")):
    print(f"| {tool} | {r[one] / r[two]:.2f}× |")
PY
} | tee "$results/scaling-ceiling.md"
