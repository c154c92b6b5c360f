#!/usr/bin/env bash
# Subject mask (ISNet, opt-in) on 1024² generations: `burnish masks --auto subject --json` per image, 3 runs each.
# Reports, per image, the median of: the inference's CPU seconds (all threads, pre/post-processing included, model
# loaded: what each image of a batch costs), its wall seconds, and the whole process's CPU seconds and peak RSS
# (GNU time: .NET start, model load and checks included). Wall time says little on a shared machine: the load average
# is written beside it. With --variants, also times the package's two exports (medium fp16, small quantised) on
# onnxruntime-node through tools/isnet-golden (one thread each, interleaved) and compares their masks.
# Needs the model: burnish models fetch isnet. Writes bench/results/masks-subject.md.
# Usage: bench/masks-subject.sh [--testdata DIR] [--variants]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/burnish" --help >/dev/null
data="$root/../shared/testdata"
variants=no
while [[ $# -gt 0 ]]; do
    case "$1" in
        --testdata) data="$2"; shift 2 ;;
        --variants) variants=yes; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
out="$root/bench/results/masks-subject.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
images=(comfyui/flux__girl_in_field.png comfyui/flux__flux_dev_example.png comfyui/sdxl__sdxl_simple_example.png comfyui/hidream__hidream_dev_example.png)
{
    echo "# Subject mask speed and memory on 1024² images"
    echo
    echo "\`bench/masks-subject.sh\`, run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; median of 3 runs."
    echo
    echo "| image | inference CPU s | inference wall s | process CPU s | process peak RSS MB |"
    echo "|---|---:|---:|---:|---:|"
    for f in "${images[@]}"; do
        rows=()
        for run in 1 2 3; do
            /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$root/burnish" masks "$data/ai-generations/$f" --auto subject -o "$tmp/m.png" --json --force > "$tmp/json"
            rows+=("$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); u,s,m=open(sys.argv[2]).read().split()[-3:]; print(j["subject_cpu_ms"]/1000, j["subject_ms"]/1000, float(u)+float(s), int(m)/1024)' "$tmp/json" "$tmp/time")")
        done
        python3 - "$(basename "$f")" "${rows[@]}" <<'PY'
import statistics, sys
name, rows = sys.argv[1], [list(map(float, r.split())) for r in sys.argv[2:]]
cols = [statistics.median(c) for c in zip(*rows)]
print(f"| {name} | {cols[0]:.2f} | {cols[1]:.2f} | {cols[2]:.2f} | {cols[3]:.0f} |")
PY
    done
    if [[ $variants == yes ]]; then
        echo
        echo "## The package's two exports on onnxruntime-node 1.17.3, one thread, interleaved (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        echo
        echo "| variant | image | process CPU s (model load included) | inference wall ms |"
        echo "|---|---|---:|---:|"
        (cd "$root/tools/isnet-golden" && npm ci --ignore-scripts --no-audit --no-fund --silent)
        (cd "$tmp" && npm pack @imgly/background-removal-data@1.4.5 @imgly/background-removal@1.4.5 --ignore-scripts --silent >/dev/null \
            && mkdir data web && tar xzf imgly-background-removal-data-1.4.5.tgz -C data && tar xzf imgly-background-removal-1.4.5.tgz -C web)
        for f in "${images[@]:0:2}"; do
            for v in small medium small medium; do
                /usr/bin/time -f "%U %S" -o "$tmp/time" node "$root/tools/isnet-golden/generate.js" "$tmp/data/package" "$tmp/web/package/dist/index.mjs" "$v" "$tmp/$v" "$data/ai-generations/$f" > "$tmp/json"
                python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).read()); u,s=open(sys.argv[2]).read().split()[-2:]; print("| %s | %s | %.2f | %d |" % (j["variant"], j["image"], float(u) + float(s), j["ms"]))' "$tmp/json" "$tmp/time"
            done
        done
        echo
        echo "Masks of small against medium (8-bit levels; binary = alpha ≥ 128):"
        echo
        node -e '
const { PNG } = require(process.argv[1] + "/node_modules/pngjs"); const fs = require("fs"); const path = require("path");
for (const f of fs.readdirSync(process.argv[2] + "/medium")) {
  const a = PNG.sync.read(fs.readFileSync(path.join(process.argv[2], "medium", f)));
  const b = PNG.sync.read(fs.readFileSync(path.join(process.argv[2], "small", f.replace(".medium.", ".small."))));
  let sum = 0, max = 0, flip = 0; const n = a.width * a.height;
  for (let i = 0; i < n; i++) { const d = Math.abs(a.data[i * 4] - b.data[i * 4]); sum += d; max = Math.max(max, d); if ((a.data[i * 4] >= 128) !== (b.data[i * 4] >= 128)) flip++; }
  console.log(`- ${f.replace(".medium.mask.png", "")}: mean ${(sum / n).toFixed(2)}, max ${max}, binary disagreement ${(100 * flip / n).toFixed(2)} %`);
}' "$root/tools/isnet-golden" "$tmp"
    fi
} | tee "$out"
