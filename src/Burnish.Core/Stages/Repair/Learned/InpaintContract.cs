using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Burnish.Stages.Repair.Learned;

/// <summary>Which mask value means what.</summary>
public enum MaskPolarity
{
    /// <summary>The hole (pixels to fill) has the mask's top value (1 or 255), known pixels 0: LaMa.</summary>
    Hole,

    /// <summary>Known pixels have the top value, the hole 0: MI-GAN.</summary>
    Known,
}

/// <summary>
/// How an inpainting model takes and gives its tensors: an image [1,3,H,W] and a mask [1,1,H,W] in, an image
/// [1,3,H,W] out, each float or uint8, NCHW.
/// <list type="bullet">
/// <item><b>LaMa</b> (Carve/LaMa-ONNX <c>lama_fp32.onnx</c>, and its verbatim mirrors): <c>image</c> float32 RGB 0–1,
/// <c>mask</c> float32 1 = hole (anything above 0 counts), fixed 512×512; <c>output</c> float32 RGB 0–255.</item>
/// <item><b>MI-GAN</b> (Picsart-AI-Research/MI-GAN <c>migan_pipeline_v2.onnx</c>, made by its
/// <c>scripts/create_onnx_pipeline.py</c>): <c>image</c> uint8 RGB 0–255, <c>mask</c> uint8 255 = known, 0 = hole;
/// <c>result</c> uint8 RGB 0–255; any size (the pipeline resizes to 512 inside and composites the known pixels back).</item>
/// </list>
/// Auto-detection: the input with 3 channels (or named <c>image</c>) is the image, the one with 1 channel (or named
/// <c>mask</c>) the mask; uint8 tensors are 0–255 with MI-GAN's polarity, float inputs 0–1 with LaMa's, a float output
/// 0–255 (LaMa's). A sidecar <c>MODEL.json</c> beside the model overrides any of it (see <see cref="Read"/>).
/// </summary>
public sealed record InpaintContract(
    string ImageInput,
    string MaskInput,
    string Output,
    bool ImageIsBytes,
    bool MaskIsBytes,
    bool OutputIsBytes,
    float ImageRange,
    float OutputRange,
    MaskPolarity Polarity,
    bool Bgr,
    (int Width, int Height)? FixedSize,
    int? WorkingSize)
{
    /// <summary>The top mask value: 255 for uint8 masks, 1 for float.</summary>
    public float MaskTop => MaskIsBytes ? 255 : 1;

    /// <summary>
    /// The contract of the model in <paramref name="session"/>, from its tensors and the sidecar at
    /// <paramref name="sidecarPath"/> when that file exists. Throws <see cref="BurnishException"/> for a model that does
    /// not fit.
    /// </summary>
    public static InpaintContract Read(InferenceSession session, string modelPath, string sidecarPath)
    {
        var sidecar = Sidecar.Read(sidecarPath);
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        BurnishException Refuse(string why) => new(
            $"model {modelPath}: not an inpainting model: {why}; it takes {Describe(inputs)} and gives {Describe(outputs)}. "
            + "Expected an image [1,3,H,W] and a mask [1,1,H,W] (float or uint8) giving an image [1,3,H,W]; names and ranges can be set in "
            + $"{Path.GetFileName(sidecarPath)}");

        if (inputs.Count != 2) throw Refuse($"it has {inputs.Count} input{(inputs.Count == 1 ? "" : "s")}, not 2");
        var image = sidecar?.Image ?? Pick(inputs, "image", 3) ?? throw Refuse("no input is a 3-channel image (or named 'image')");
        var mask = sidecar?.Mask ?? Pick(inputs, "mask", 1) ?? throw Refuse("no input is a 1-channel mask (or named 'mask')");
        if (!inputs.ContainsKey(image)) throw Refuse($"it has no input '{image}'");
        if (!inputs.ContainsKey(mask)) throw Refuse($"it has no input '{mask}'");
        if (image == mask) throw Refuse("the image and the mask are the same input");
        var output = sidecar?.Output ?? outputs.FirstOrDefault(kv => kv.Value.Dimensions.Length == 4 && kv.Value.Dimensions[1] is 3 or -1).Key
            ?? throw Refuse("no output is a 3-channel image");
        if (!outputs.ContainsKey(output)) throw Refuse($"it has no output '{output}'");

        var (im, ma, ou) = (inputs[image], inputs[mask], outputs[output]);
        if (im.Dimensions is not [_, 3 or -1, _, _]) throw Refuse($"input '{image}' is not [N,3,H,W]");
        if (ma.Dimensions is not [_, 1 or -1, _, _]) throw Refuse($"input '{mask}' is not [N,1,H,W]");
        if (ou.Dimensions is not [_, 3 or -1, _, _]) throw Refuse($"output '{output}' is not [N,3,H,W]");
        var imageBytes = IsBytes(im) ?? throw Refuse($"input '{image}' is {im.ElementType.Name}, not float or uint8");
        var maskBytes = IsBytes(ma) ?? throw Refuse($"input '{mask}' is {ma.ElementType.Name}, not float or uint8");
        var outputBytes = IsBytes(ou) ?? throw Refuse($"output '{output}' is {ou.ElementType.Name}, not float or uint8");

        (int, int)? fixedSize = im.Dimensions[2] > 0 && im.Dimensions[3] > 0 ? (im.Dimensions[3], im.Dimensions[2]) : null;
        if (fixedSize is { } f && (ma.Dimensions[2] > 0 && ma.Dimensions[2] != f.Item2 || ma.Dimensions[3] > 0 && ma.Dimensions[3] != f.Item1))
            throw Refuse($"the image is {f.Item1}×{f.Item2} but the mask {ma.Dimensions[3]}×{ma.Dimensions[2]}");

        return new InpaintContract(image, mask, output, imageBytes, maskBytes, outputBytes,
            sidecar?.ImageRange ?? (imageBytes ? 255 : 1),
            sidecar?.OutputRange ?? 255,
            sidecar?.Polarity ?? (maskBytes ? MaskPolarity.Known : MaskPolarity.Hole),
            sidecar?.Bgr ?? false,
            fixedSize,
            sidecar?.Size);
    }

    private static string? Pick(IReadOnlyDictionary<string, NodeMetadata> inputs, string name, int channels) =>
        inputs.Keys.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? inputs.FirstOrDefault(kv => kv.Value.Dimensions is [_, var c, _, _] && c == channels).Key;

    private static bool? IsBytes(NodeMetadata node) =>
        node.ElementType == typeof(float) ? false : node.ElementType == typeof(byte) ? true : null;

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(kv => $"{kv.Key} {kv.Value.ElementType.Name}[{string.Join("×", kv.Value.Dimensions.Select(x => x < 0 ? "?" : x.ToString(CultureInfo.InvariantCulture)))}]"));

    /// <summary>
    /// <c>MODEL.json</c> beside a model: <c>{"image": "image", "mask": "mask", "output": "output", "image_range": 1 | 255,
    /// "output_range": 1 | 255, "mask_polarity": "hole" | "known", "channels": "rgb" | "bgr", "size": 512}</c>, every key
    /// optional. <c>mask_polarity</c> says which pixels get the top value; <c>size</c> is the working size for a model
    /// that takes any size.
    /// </summary>
    private sealed record Sidecar(string? Image, string? Mask, string? Output, float? ImageRange, float? OutputRange, MaskPolarity? Polarity, bool? Bgr, int? Size)
    {
        private static readonly string[] Keys = ["image", "mask", "output", "image_range", "output_range", "mask_polarity", "channels", "size"];

        public static Sidecar? Read(string path)
        {
            if (!File.Exists(path)) return null;
            try
            {
                using var doc = JsonDocument.Parse(Burnish.IO.TextFiles.ReadAllText(path, Burnish.IO.InputLimits.Default.MaxTextFileBytes));
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new BurnishException($"{path}: not a JSON object");
                foreach (var p in root.EnumerateObject())
                    if (!Keys.Contains(p.Name)) throw new BurnishException($"{path}: unknown key '{p.Name}' (known: {string.Join(", ", Keys)})");
                string? Text(string key) => root.TryGetProperty(key, out var v) ? v.GetString() : null;
                float? Range(string key)
                {
                    if (!root.TryGetProperty(key, out var v)) return null;
                    var r = v.GetSingle();
                    return r is 1 or 255 ? r : throw new BurnishException($"{path}: {key} must be 1 or 255, got {r.ToString(CultureInfo.InvariantCulture)}");
                }
                MaskPolarity? polarity = Text("mask_polarity") switch
                {
                    null => null,
                    "hole" => MaskPolarity.Hole,
                    "known" => MaskPolarity.Known,
                    var other => throw new BurnishException($"{path}: mask_polarity must be hole or known, got '{other}'"),
                };
                bool? bgr = Text("channels") switch
                {
                    null => null,
                    "rgb" => false,
                    "bgr" => true,
                    var other => throw new BurnishException($"{path}: channels must be rgb or bgr, got '{other}'"),
                };
                int? size = root.TryGetProperty("size", out var s) ? s.GetInt32() : null;
                if (size is < 64 or > 4096) throw new BurnishException($"{path}: size must be 64–4096, got {size}");
                return new Sidecar(Text("image"), Text("mask"), Text("output"), Range("image_range"), Range("output_range"), polarity, bgr, size);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new BurnishException($"{path}: not a valid model sidecar ({e.Message})");
            }
        }
    }
}
