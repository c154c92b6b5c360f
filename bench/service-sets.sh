# Sourced by bench/service.sh and bench/scaling-ceiling.sh: the batches and the recipe they share.
# real_set DIR: 20 real-size generations (512² to 1328², 15 distinct ComfyUI and A1111 files from ../shared/testdata,
# the first five again) as DIR/gen-00.png … gen-19.png.
real_set() {
    local shared dir="$1" i
    shared="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/testdata/ai-generations"
    mapfile -t real < <(ls "$shared"/comfyui/*.png "$shared"/a1111/dog_rel.png)
    for i in $(seq 0 19); do cp "${real[$((i % ${#real[@]}))]}" "$dir/gen-$(printf %02d "$i").png"; done
}
# light_recipe FILE: the light recipe of the scale-out test: a look, the 16-bit master and one small JPEG copy.
light_recipe() {
    cat > "$1" <<'YAML'
version: 1
grade: {preset: warm-golden}
export:
  master: {format: png}
  copies: [{long_edge: 256, format: jpeg, quality: 85}]
YAML
}
