#!/usr/bin/env bash
# Builds ncnn (BSD-3-Clause) from source for the CPU, fp32 only, plus the reference runner.
# Usage: build.sh NCNN_SOURCE_DIR [BUILD_DIR]   (default .build/ncnn-reference, ignored by git)
# A test instrument for the equivalence goldens, never a dependency of Burnish.
# Only the layers the upscaler graphs use (and those ncnn creates inside them) are
# compiled, which cuts the build from ~15 to a few minutes; the kernels are unchanged.
set -euo pipefail
src=$(realpath "$1")
out=$(realpath -m "${2:-$(dirname "$0")/../../.build/ncnn-reference}")
here=$(cd "$(dirname "$0")" && pwd)
jobs=${JOBS:-2}

keep="Input Split Convolution PReLU Eltwise Concat BinaryOp Interp PixelShuffle Deconvolution
      Crop Pooling InnerProduct Sigmoid Bias Cast ConvolutionDepthWise DeconvolutionDepthWise
      Flatten Gemm Packing Padding Scale Softmax ReLU Clip Mish HardSwish HardSigmoid Swish
      ELU TanH Reshape Noop MemoryData"
all=$(grep -o 'ncnn_add_layer([A-Za-z0-9_]*' "$src/src/CMakeLists.txt" | sed 's/ncnn_add_layer(//')
layer_flags=()
for l in $all; do
    if [[ " $(echo $keep) " == *" $l "* ]]; then layer_flags+=("-DWITH_LAYER_$(echo "$l" | tr 'A-Z' 'a-z')=ON")
    else layer_flags+=("-DWITH_LAYER_$(echo "$l" | tr 'A-Z' 'a-z')=OFF"); fi
done

cmake -S "$src" -B "$out/ncnn" -DCMAKE_BUILD_TYPE=Release \
    -DNCNN_VULKAN=OFF -DNCNN_BUILD_TOOLS=OFF -DNCNN_BUILD_EXAMPLES=OFF -DNCNN_BUILD_BENCHMARK=OFF \
    -DNCNN_BUILD_TESTS=OFF -DNCNN_PYTHON=OFF -DNCNN_SHARED_LIB=OFF -DNCNN_INT8=OFF -DNCNN_BF16=OFF \
    -DNCNN_OPENMP=ON -DNCNN_SIMPLEOCV=ON "${layer_flags[@]}" >/dev/null
nice -n 19 cmake --build "$out/ncnn" -j"$jobs"
nice -n 19 cmake --install "$out/ncnn" --prefix "$out/install" >/dev/null
nice -n 19 g++ -O2 -std=c++17 -fopenmp "$here/ncnn_run.cpp" -I"$out/install/include/ncnn" \
    "$out/install/lib/libncnn.a" -o "$out/ncnn_run" -lz -lpthread
echo "$out/ncnn_run"
