using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Burnish.Models.Onnx;

namespace Burnish.Models;

/// <summary>What the converter records about a model beside its graph (stored in the ONNX metadata_props).</summary>
/// <param name="InputRange">The value range the model was trained on and outputs: 255 (0–255) or 1 (0–1).
/// The converted model keeps it; callers scale pixels to it.</param>
/// <param name="Name">Catalogue name, e.g. esrgan-medium.</param>
/// <param name="Architecture">e.g. RDN, RRDN.</param>
/// <param name="Source">Where the weights came from, e.g. "npm @upscalerjs/esrgan-medium@1.0.0".</param>
/// <param name="Licence">The weights' licence, e.g. MIT.</param>
public sealed record ConversionInfo(float InputRange, string? Name = null, string? Architecture = null, string? Source = null, string? Licence = null);

/// <summary>Metadata keys Burnish writes into (and reads from) ONNX models.</summary>
public static class ModelMetadataKeys
{
    public const string Name = "burnish.name";
    public const string InputRange = "burnish.input_range";
    public const string Scale = "burnish.scale";
    public const string ReceptiveRadius = "burnish.receptive_radius";
    public const string Parameters = "burnish.parameters";
    public const string FlopsPerOutputPixel = "burnish.flops_per_output_pixel";
    public const string Architecture = "burnish.architecture";
    public const string Source = "burnish.source";
    public const string Licence = "burnish.licence";
    public const string Layout = "burnish.layout";
    public const string Converter = "burnish.converter";
}

/// <summary>
/// Converts a TensorFlow.js "layers" model (Keras functional model.json plus float32 weight shards, channels-last,
/// kernels HWIO) into an ONNX model: NCHW float input <c>input</c> [1, C, height, width] with dynamic height and width,
/// output <c>output</c>, kernels OIHW, opset 17. Supported layers: InputLayer, Conv2D (stride 1, dilation 1, linear
/// or relu activation, same or valid padding), Activation relu, ReLU, Concatenate, Add, UpSampling2D (nearest), and
/// the two custom layers of the UpscalerJS RRDN models: MultiplyBeta (×beta) and PixelShuffle{s}x (depth-to-space).
/// Anything else is refused with the layer's name.
/// </summary>
public static partial class TfjsLayersConverter
{
    /// <summary>Bumped whenever the ONNX this converter writes changes, so cached conversions are redone.</summary>
    public const int Version = 1;

    /// <summary>Reads <paramref name="modelJsonPath"/> and its shards and returns the ONNX model.</summary>
    public static ModelProto Convert(string modelJsonPath, ConversionInfo info)
    {
        var json = TfjsFiles.ReadModelJson(modelJsonPath);
        return TfjsFiles.Reading(modelJsonPath, () => new Conversion(modelJsonPath, WeightSet.Read(modelJsonPath, json)).Run(json, info));
    }

    /// <summary>Converts and writes the ONNX file atomically; returns the model's graph analysis.</summary>
    public static ModelGraphInfo ConvertToFile(string modelJsonPath, ConversionInfo info, string onnxPath)
    {
        var model = Convert(modelJsonPath, info);
        OnnxFile.Save(model, onnxPath);
        return ModelGraphInfo.Analyse(model);
    }

    [GeneratedRegex(@"^PixelShuffle(\d+)x$")]
    private static partial Regex PixelShuffleClass();

    /// <summary>One conversion: the graph being built and the NHWC→NCHW bookkeeping.</summary>
    private sealed class Conversion(string path, WeightSet weights)
    {
        private readonly OnnxGraphBuilder graph = new("tfjs_layers");
        private readonly Dictionary<string, (string Tensor, int Channels)> tensors = new(StringComparer.Ordinal);
        private readonly Dictionary<float, string> scalars = [];

        public ModelProto Run(JsonObject json, ConversionInfo info)
        {
            if (json["format"]?.GetValue<string>() is { } format && format != "layers-model")
                throw Problem($"is a TF.js '{format}'; only layers models (format layers-model) can be converted");
            var topology = json["modelTopology"] as JsonObject ?? throw Problem("has no modelTopology");
            var modelConfig = topology["model_config"] as JsonObject ?? topology;
            var className = modelConfig["class_name"]?.GetValue<string>();
            if (className is not ("Functional" or "Model"))
                throw Problem($"model class '{className}' is not supported (a Keras functional model is expected)");
            var config = modelConfig["config"] as JsonObject ?? throw Problem("has no model config");
            var layers = config["layers"] as JsonArray ?? throw Problem("has no layers");
            var inputNames = Endpoints(config["input_layers"]);
            var outputNames = Endpoints(config["output_layers"]);
            if (inputNames.Count != 1 || outputNames.Count != 1)
                throw Problem($"has {inputNames.Count} inputs and {outputNames.Count} outputs; an image-to-image model has one of each");

            foreach (var node in layers)
            {
                var layer = node as JsonObject ?? throw Problem("has a layer that is not an object");
                var name = layer["name"]?.GetValue<string>() ?? layer["config"]?["name"]?.GetValue<string>() ?? throw Problem("has a layer without a name");
                if (name.Length == 0) throw Problem("has a layer with an empty name");
                if (tensors.ContainsKey(name)) throw Problem($"has two layers named '{name}'");
                var isOutput = name == outputNames[0];
                Convert(layer, name, isOutput ? "output" : name);
            }
            if (!tensors.TryGetValue(outputNames[0], out var output))
                throw Problem($"output layer '{outputNames[0]}' is not among the layers");
            if (output.Tensor != "output") // the output layer was an InputLayer or a linear activation: name it
                graph.Node("Identity", [output.Tensor], "output");
            graph.Output("output", [1, output.Channels, "out_height", "out_width"]);
            graph.Description = $"Converted by Burnish from the TF.js layers model {Path.GetFileName(Path.GetDirectoryName(path))}/{Path.GetFileName(path)}.";

            // Analyse the graph once to record scale and reach beside the weights' own facts.
            var built = graph.Build();
            var analysis = ModelGraphInfo.Analyse(built);
            var meta = new Dictionary<string, string?>
            {
                [ModelMetadataKeys.Name] = info.Name,
                [ModelMetadataKeys.InputRange] = info.InputRange.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Scale] = analysis.IntegerScale?.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.ReceptiveRadius] = analysis.ReceptiveRadiusPixels?.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Parameters] = analysis.Parameters.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.FlopsPerOutputPixel] = analysis.FlopsPerOutputPixel?.ToString("R", CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Architecture] = info.Architecture,
                [ModelMetadataKeys.Source] = info.Source,
                [ModelMetadataKeys.Licence] = info.Licence,
                [ModelMetadataKeys.Layout] = "NCHW RGB",
                [ModelMetadataKeys.Converter] = $"burnish TfjsLayersConverter v{Version}",
            };
            foreach (var (key, value) in meta)
                if (value is not null) graph.Metadata(key, value);
            return graph.Build();
        }

        private void Convert(JsonObject layer, string name, string outName)
        {
            var cls = layer["class_name"]?.GetValue<string>() ?? throw Problem($"layer '{name}' has no class_name");
            var config = layer["config"] as JsonObject ?? new JsonObject();
            if (cls == "InputLayer")
            {
                var shape = config["batch_input_shape"] as JsonArray ?? config["batchInputShape"] as JsonArray;
                var channels = shape is { Count: 4 } && shape[3] is { } c ? c.GetValue<int>() : throw Problem($"input layer '{name}' is not a 4-D image input (batch, height, width, channels)");
                if (config["dtype"]?.GetValue<string>() is { } dtype && dtype != "float32")
                    throw Problem($"input layer '{name}' has dtype {dtype}; float32 is expected");
                graph.Input("input", [1, channels, "height", "width"]);
                tensors[name] = ("input", channels);
                if (outName == "output") tensors[name] = (graph.Node("Identity", ["input"], "output"), channels);
                return;
            }

            var inputs = Inbound(layer, name);
            switch (cls)
            {
                case "Conv2D":
                    tensors[name] = Conv(name, config, One(inputs, name, cls), outName);
                    break;
                case "Activation":
                {
                    var activation = config["activation"]?.GetValue<string>();
                    var x = One(inputs, name, cls);
                    tensors[name] = activation switch
                    {
                        "relu" => (graph.Node("Relu", [x.Tensor], outName), x.Channels),
                        "linear" => x,
                        _ => throw Problem($"layer '{name}': activation '{activation}' is not supported (relu, linear)"),
                    };
                    break;
                }
                case "ReLU":
                {
                    if (Number(config, "max_value") is not null || (Number(config, "negative_slope") ?? 0) != 0 || (Number(config, "threshold") ?? 0) != 0)
                        throw Problem($"layer '{name}': ReLU with max_value, negative_slope or threshold is not supported");
                    var x = One(inputs, name, cls);
                    tensors[name] = (graph.Node("Relu", [x.Tensor], outName), x.Channels);
                    break;
                }
                case "Concatenate":
                {
                    var axis = (int?)Number(config, "axis") ?? -1;
                    var nchw = NchwAxis(axis, name);
                    if (nchw != 1)
                        throw Problem($"layer '{name}': concatenation along axis {axis} is not supported (channels only)");
                    tensors[name] = (graph.Node("Concat", [.. inputs.Select(i => i.Tensor)], outName, OnnxAttribute.Int("axis", 1)), inputs.Sum(i => i.Channels));
                    break;
                }
                case "Add":
                {
                    if (inputs.Count < 2) throw Problem($"layer '{name}': Add needs at least two inputs");
                    if (inputs.Any(i => i.Channels != inputs[0].Channels))
                        throw Problem($"layer '{name}': Add of tensors with {string.Join(" and ", inputs.Select(i => i.Channels))} channels");
                    var op = inputs.Count == 2 ? "Add" : "Sum";
                    tensors[name] = (graph.Node(op, [.. inputs.Select(i => i.Tensor)], outName), inputs[0].Channels);
                    break;
                }
                case "UpSampling2D":
                {
                    var x = One(inputs, name, cls);
                    var size = Ints(config, "size") ?? [2, 2];
                    var interpolation = config["interpolation"]?.GetValue<string>() ?? "nearest";
                    if (interpolation != "nearest")
                        throw Problem($"layer '{name}': UpSampling2D interpolation '{interpolation}' is not supported (nearest)");
                    CheckChannelsLast(config, name);
                    // Keras nearest upsampling repeats each pixel: output (y, x) reads input (floor(y/s), floor(x/s)).
                    var scales = graph.Initializer(graph.Fresh($"{name}_scales"), [1f, 1f, size[0], size[1]], 4);
                    tensors[name] = (graph.Node("Resize", [x.Tensor, "", scales], outName,
                        OnnxAttribute.String("mode", "nearest"),
                        OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
                        OnnxAttribute.String("nearest_mode", "floor")), x.Channels);
                    break;
                }
                case "MultiplyBeta":
                {
                    // UpscalerJS's MultiplyBeta multiplies by a constant beta = 0.2 (residual scaling, ESRGAN §3.2).
                    var x = One(inputs, name, cls);
                    var beta = (float)(Number(config, "beta") ?? 0.2);
                    tensors[name] = (graph.Node("Mul", [x.Tensor, Scalar(beta)], outName), x.Channels);
                    break;
                }
                default:
                    if (PixelShuffleClass().Match(cls) is { Success: true } m)
                    {
                        // tf.depthToSpace(x, s, 'NHWC') is ONNX DepthToSpace in DCR mode on NCHW.
                        var x = One(inputs, name, cls);
                        var block = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                        if (Number(config, "scale") is { } s && (int)s != block)
                            throw Problem($"layer '{name}': class {cls} but config scale {s}");
                        if (x.Channels % (block * block) != 0)
                            throw Problem($"layer '{name}': {x.Channels} channels cannot be shuffled by {block}×{block}");
                        tensors[name] = (graph.Node("DepthToSpace", [x.Tensor], outName,
                            OnnxAttribute.Int("blocksize", block), OnnxAttribute.String("mode", "DCR")), x.Channels / (block * block));
                        break;
                    }
                    throw Problem($"layer '{name}' is a {cls}, which the converter does not support " +
                        "(InputLayer, Conv2D, Activation, ReLU, Concatenate, Add, UpSampling2D, MultiplyBeta, PixelShuffle{s}x)");
            }
        }

        private (string Tensor, int Channels) Conv(string name, JsonObject config, (string Tensor, int Channels) x, string outName)
        {
            CheckChannelsLast(config, name);
            var strides = Ints(config, "strides") ?? [1, 1];
            var dilation = Ints(config, "dilation_rate") ?? [1, 1];
            if (strides.Any(s => s != 1)) throw Problem($"layer '{name}': Conv2D strides [{string.Join(",", strides)}] are not supported (stride 1 only)");
            if (dilation.Any(d => d != 1)) throw Problem($"layer '{name}': Conv2D dilation [{string.Join(",", dilation)}] is not supported (dilation 1 only)");
            var groups = (int?)Number(config, "groups") ?? 1;
            var filters = (int?)Number(config, "filters") ?? throw Problem($"layer '{name}': Conv2D without filters");
            var kernelSize = Ints(config, "kernel_size") ?? throw Problem($"layer '{name}': Conv2D without kernel_size");
            var padding = config["padding"]?.GetValue<string>() ?? "valid";
            var activation = config["activation"]?.GetValue<string>() ?? "linear";
            if (activation is not ("linear" or "relu"))
                throw Problem($"layer '{name}': Conv2D activation '{activation}' is not supported (linear, relu)");

            var kernel = weights.Take($"{name}/kernel", 4);
            var (kh, kw, cin, cout) = ((int)kernel.Shape[0], (int)kernel.Shape[1], (int)kernel.Shape[2], (int)kernel.Shape[3]);
            if (kh != kernelSize[0] || kw != kernelSize[1] || cout != filters)
                throw Problem($"layer '{name}': kernel weight shape [{string.Join(",", kernel.Shape)}] does not match kernel_size {kernelSize[0]}×{kernelSize[1]} and {filters} filters");
            if (cin * groups != x.Channels)
                throw Problem($"layer '{name}': kernel expects {cin * groups} input channels, its input has {x.Channels}");

            // HWIO → OIHW.
            var oihw = new float[kernel.Values.Length];
            for (var h = 0; h < kh; h++)
                for (var w = 0; w < kw; w++)
                    for (var i = 0; i < cin; i++)
                        for (var o = 0; o < cout; o++)
                            oihw[((o * cin + i) * kh + h) * kw + w] = kernel.Values[((h * kw + w) * cin + i) * cout + o];
            var inputs = new List<string> { x.Tensor, graph.Initializer($"{name}/kernel", oihw, cout, cin, kh, kw) };
            if (config["use_bias"]?.GetValue<bool>() ?? true)
            {
                var bias = weights.Take($"{name}/bias", 1);
                if (bias.Shape[0] != cout) throw Problem($"layer '{name}': bias has {bias.Shape[0]} values for {cout} filters");
                inputs.Add(graph.Initializer($"{name}/bias", bias.Values, cout));
            }

            // TF 'same' with stride 1 pads k−1 in total, the odd pixel after (bottom/right); 'valid' pads nothing.
            long[] pads = padding switch
            {
                "same" => [(kh - 1) / 2, (kw - 1) / 2, kh - 1 - (kh - 1) / 2, kw - 1 - (kw - 1) / 2],
                "valid" => [0, 0, 0, 0],
                _ => throw Problem($"layer '{name}': padding '{padding}' is not supported (same, valid)"),
            };
            var convOut = activation == "relu" ? graph.Fresh(name) : outName;
            graph.Node("Conv", inputs, convOut,
                OnnxAttribute.Ints("kernel_shape", kh, kw),
                OnnxAttribute.Ints("pads", pads),
                OnnxAttribute.Ints("strides", 1, 1),
                OnnxAttribute.Ints("dilations", 1, 1),
                OnnxAttribute.Int("group", groups));
            return activation == "relu" ? (graph.Node("Relu", [convOut], outName), cout) : (convOut, cout);
        }

        private string Scalar(float value)
        {
            if (!scalars.TryGetValue(value, out var name))
                scalars[value] = name = graph.Initializer(graph.Fresh("scalar"), [value]);
            return name;
        }

        private List<(string Tensor, int Channels)> Inbound(JsonObject layer, string name)
        {
            if (layer["inbound_nodes"] is not JsonArray calls || calls.Count == 0)
                throw Problem($"layer '{name}' has no inputs");
            if (calls.Count > 1)
                throw Problem($"layer '{name}' is called {calls.Count} times (shared layers are not supported)");
            if (calls[0] is not JsonArray call)
                throw Problem($"layer '{name}': inbound_nodes in an unknown format (Keras 2 functional format expected)");
            var result = new List<(string, int)>();
            foreach (var entry in call)
            {
                if (entry is not JsonArray { Count: >= 3 } e)
                    throw Problem($"layer '{name}': inbound_nodes in an unknown format (Keras 2 functional format expected)");
                var source = e[0].Required().GetValue<string>();
                if (e[1].Required().GetValue<int>() != 0 || e[2].Required().GetValue<int>() != 0)
                    throw Problem($"layer '{name}' reads output {e[1]}/{e[2]} of '{source}' (shared layers and multi-output layers are not supported)");
                if (!tensors.TryGetValue(source, out var t))
                    throw Problem($"layer '{name}' reads '{source}', which is not defined before it");
                result.Add(t);
            }
            return result;
        }

        private (string Tensor, int Channels) One(List<(string Tensor, int Channels)> inputs, string name, string cls) =>
            inputs.Count == 1 ? inputs[0] : throw Problem($"layer '{name}' ({cls}) has {inputs.Count} inputs, expected one");

        private int NchwAxis(int axis, string name)
        {
            var a = axis < 0 ? axis + 4 : axis;
            return a switch { 0 => 0, 1 => 2, 2 => 3, 3 => 1, _ => throw Problem($"layer '{name}': axis {axis} out of range for a 4-D tensor") };
        }

        private void CheckChannelsLast(JsonObject config, string name)
        {
            if (config["data_format"]?.GetValue<string>() is { } f && f != "channels_last")
                throw Problem($"layer '{name}': data_format {f} is not supported (channels_last)");
        }

        private List<string> Endpoints(JsonNode? node) =>
            node is JsonArray list ? [.. list.Select(e => e is JsonArray a && a.Count > 0 ? a[0].Required().GetValue<string>() : throw Problem("has malformed input_layers/output_layers"))] : [];

        private static double? Number(JsonObject config, string key) =>
            config[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

        private int[]? Ints(JsonObject config, string key) => config[key] switch
        {
            JsonArray { Count: 2 } a => [.. a.Select(x => x.Required().GetValue<int>())],
            JsonArray a => throw Problem($"'{key}' holds {a.Count} values; two (height, width) are expected"),
            JsonValue v when v.TryGetValue<int>(out var i) => [i, i],
            _ => null,
        };

        private BurnishException Problem(string message) => new($"{path}: {message}");
    }

    /// <summary>A weight tensor from the shards: its shape and float32 values.</summary>
    private sealed record Weight(long[] Shape, float[] Values);

    /// <summary>
    /// The weights of a layers model: the manifest's groups in order, each group's shards concatenated, each weight
    /// taking shape×4 bytes in manifest order (tfjs-converter's layout). Only float32 is accepted.
    /// </summary>
    private sealed class WeightSet(string path, Dictionary<string, Weight> byName)
    {
        public static WeightSet Read(string modelJsonPath, JsonObject json)
        {
            var manifest = json["weightsManifest"] as JsonArray ?? throw new BurnishException($"{modelJsonPath}: has no weightsManifest");
            var weights = new Dictionary<string, Weight>(StringComparer.Ordinal);
            foreach (var groupNode in manifest)
            {
                var group = groupNode as JsonObject ?? throw new BurnishException($"{modelJsonPath}: malformed weightsManifest");
                var specs = group["weights"] as JsonArray ?? throw new BurnishException($"{modelJsonPath}: weight group without weights");
                var paths = group["paths"] as JsonArray ?? throw new BurnishException($"{modelJsonPath}: weight group without paths");

                var expected = 0L;
                foreach (var specNode in specs)
                {
                    var spec = specNode as JsonObject ?? throw new BurnishException($"{modelJsonPath}: malformed weight entry");
                    var name = spec["name"]?.GetValue<string>() ?? throw new BurnishException($"{modelJsonPath}: a weight without a name");
                    var dtype = spec["dtype"]?.GetValue<string>() ?? "float32";
                    if (spec["quantization"] is JsonObject q)
                        throw new BurnishException($"{modelJsonPath}: weight '{name}' is quantised ({q["dtype"]}); only float32 weights are supported");
                    if (dtype != "float32")
                        throw new BurnishException($"{modelJsonPath}: weight '{name}' has dtype {dtype}; only float32 weights are supported");
                    var shape = Shape(spec);
                    if (shape.Any(d => d < 0)) throw new BurnishException($"{modelJsonPath}: weight '{name}' has a negative dimension");
                    expected = checked(expected + 4 * shape.Aggregate(1L, (a, d) => checked(a * d)));
                }

                var bytes = TfjsFiles.ReadShards(modelJsonPath, paths, expected);

                var offset = 0;
                foreach (var specNode in specs)
                {
                    var spec = (JsonObject)specNode!;
                    var shape = Shape(spec);
                    var count = (int)shape.Aggregate(1L, (a, d) => a * d);
                    var values = new float[count];
                    for (var i = 0; i < count; i++)
                        values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * i));
                    offset += 4 * count;
                    weights[spec["name"]!.GetValue<string>()] = new Weight(shape, values);
                }
            }
            return new WeightSet(modelJsonPath, weights);
        }

        /// <summary>The weight called <paramref name="name"/> (or ending in "/<paramref name="name"/>", as nested models name them).</summary>
        public Weight Take(string name, int rank)
        {
            if (!byName.TryGetValue(name, out var w))
            {
                var suffix = byName.Keys.Where(k => k.EndsWith("/" + name, StringComparison.Ordinal)).ToList();
                if (suffix.Count != 1) throw new BurnishException($"{path}: weight '{name}' not found in the weightsManifest");
                w = byName[suffix[0]];
                name = suffix[0];
            }
            if (w.Shape.Length != rank) throw new BurnishException($"{path}: weight '{name}' has rank {w.Shape.Length}, expected {rank}");
            return w;
        }

        private static long[] Shape(JsonObject spec) =>
            spec["shape"] is JsonArray a ? [.. a.Select(d => d.Required().GetValue<long>())] : [];
    }
}
