using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Burnish.Models.Onnx;

namespace Burnish.Models;

/// <summary>
/// Converts a TensorFlow.js "graph" model (model.json with <c>format: graph-model</c>: a frozen TensorFlow graph as a
/// node list with op, inputs and attributes, plus weight shards) into an ONNX model, opset 17.
/// <para>
/// Layout: the ONNX model keeps TF.js's own inputs and outputs (NHWC images, the signature's names and shapes), so a
/// caller feeds it exactly what it would feed TF.js. Inside, every 4-D activation is carried as NCHW, which is the
/// layout ONNX Runtime's CPU convolutions run natively; one Transpose after each input and before any op that reads
/// a 4-D tensor's memory order (Reshape, and outputs) puts it back. Constants broadcast against a 4-D tensor are
/// permuted at conversion time.
/// </para>
/// <para>
/// Ops: Placeholder, Const, Identity, Conv2D, _FusedConv2D (fused BiasAdd then Relu, Relu6, Elu, Sigmoid, LeakyRelu
/// or Prelu), DepthwiseConv2dNative, FusedDepthwiseConv2dNative, Conv2DBackpropInput, MatMul, _FusedMatMul, BiasAdd,
/// Add, AddV2, AddN, Sub, Mul, RealDiv, Maximum, Minimum, Relu, Relu6, Elu, LeakyRelu, Prelu, Sigmoid, Tanh,
/// MaxPool, AvgPool, Mean, Pad, PadV2, Reshape, ConcatV2, ResizeBilinear. Weights may be float32, int32, or quantised
/// (float16, uint8, uint16 with scale and min). Anything else is refused with the op and node named.
/// </para>
/// </summary>
public static class TfjsGraphConverter
{
    /// <summary>Bumped whenever the ONNX this converter writes changes, so cached conversions are redone.</summary>
    public const int Version = 1;

    /// <summary>Every op the converter knows, for messages and docs.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } =
    [
        "Placeholder", "Const", "Identity", "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative",
        "Conv2DBackpropInput", "MatMul", "_FusedMatMul", "BiasAdd", "Add", "AddV2", "AddN", "Sub", "Mul", "RealDiv",
        "Maximum", "Minimum", "Relu", "Relu6", "Elu", "LeakyRelu", "Prelu", "Sigmoid", "Tanh", "MaxPool", "AvgPool", "Mean",
        "Pad", "PadV2", "Reshape", "ConcatV2", "ResizeBilinear",
    ];

    /// <summary>Reads <paramref name="modelJsonPath"/> and its shards and returns the ONNX model.</summary>
    public static ModelProto Convert(string modelJsonPath, ConversionInfo info)
    {
        var json = TfjsFiles.ReadModelJson(modelJsonPath);
        return TfjsFiles.Reading(modelJsonPath, () =>
        {
            if (json["format"]?.GetValue<string>() is var format && format != "graph-model")
                throw new BurnishException($"{modelJsonPath}: is a TF.js '{format ?? "(no format)"}'; only graph models (format graph-model) are converted here");
            return new Conversion(modelJsonPath, GraphWeights.Read(modelJsonPath, json)).Run(json, info);
        });
    }

    /// <summary>Converts and writes the ONNX file atomically; returns the model's graph analysis.</summary>
    public static ModelGraphInfo ConvertToFile(string modelJsonPath, ConversionInfo info, string onnxPath)
    {
        var model = Convert(modelJsonPath, info);
        OnnxFile.Save(model, onnxPath);
        return ModelGraphInfo.Analyse(model);
    }

    /// <summary>A constant from the weights: float or int values and the TF shape.</summary>
    private sealed record Constant(long[] Shape, float[]? Floats, int[]? Ints)
    {
        public long Count => Shape.Aggregate(1L, (a, d) => a * d);
        public int[] AsInts(Func<string, Exception> problem) => Ints ?? throw problem("expects an int32 constant");
    }

    /// <summary>A converted tensor: its ONNX name, its TF rank, and whether a 4-D tensor is carried as NCHW.</summary>
    private sealed record Value(string Tensor, int Rank, bool Nchw, Constant? Const = null);

    private sealed class Conversion(string path, GraphWeights weights)
    {
        private readonly OnnxGraphBuilder graph = new("tfjs_graph");
        private readonly Dictionary<string, JsonObject> nodes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Value> done = new(StringComparer.Ordinal);
        private readonly HashSet<string> visiting = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> nhwcOf = new(StringComparer.Ordinal);

        public ModelProto Run(JsonObject json, ConversionInfo info)
        {
            var topology = json["modelTopology"] as JsonObject ?? throw Problem("has no modelTopology");
            var list = topology["node"] as JsonArray ?? throw Problem("has no node list (modelTopology.node)");
            if (topology["library"]?["function"] is JsonArray { Count: > 0 })
                throw Problem("holds control-flow functions (TensorList/TensorArray loops), which are not supported");
            foreach (var n in list)
            {
                var node = n as JsonObject ?? throw Problem("has a node that is not an object");
                var name = node["name"]?.GetValue<string>() ?? throw Problem("has a node without a name");
                if (name.Length == 0) throw Problem("has a node with an empty name");
                if (node["op"]?.GetValue<string>() is null) throw Problem($"node '{name}' has no op");
                nodes[name] = node;
            }

            var signature = json["signature"] as JsonObject;
            var outputs = SignatureNames(signature?["outputs"]);
            if (outputs.Count == 0)
                outputs = [.. nodes.Values.Where(n => n["op"]!.GetValue<string>() == "Identity" && !nodes.Values.Any(m => Inputs(m).Contains(n["name"]!.GetValue<string>())))
                    .Select(n => n["name"]!.GetValue<string>())];
            if (outputs.Count == 0) throw Problem("names no outputs (no signature and no final Identity node)");

            foreach (var output in outputs.OrderBy(o => o, StringComparer.Ordinal))
            {
                var v = Visit(output);
                var nhwc = Nhwc(v);
                var final = graph.Node("Identity", [nhwc.Tensor], output);
                graph.Output(final, OutputShape(signature, output, v.Rank));
            }
            graph.Description = $"Converted by Burnish from the TF.js graph model {Path.GetFileName(path)}.";
            var meta = new Dictionary<string, string?>
            {
                [ModelMetadataKeys.Name] = info.Name,
                [ModelMetadataKeys.InputRange] = info.InputRange.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Architecture] = info.Architecture,
                [ModelMetadataKeys.Source] = info.Source,
                [ModelMetadataKeys.Licence] = info.Licence,
                [ModelMetadataKeys.Layout] = "NHWC RGB (TF.js's own)",
                [ModelMetadataKeys.Converter] = $"burnish TfjsGraphConverter v{Version}",
            };
            foreach (var (key, value) in meta)
                if (value is not null) graph.Metadata(key, value);
            return graph.Build();
        }

        private static List<string> SignatureNames(JsonNode? node) =>
            node is JsonObject o ? [.. o.Select(kv => BaseName(kv.Value?["name"]?.GetValue<string>() ?? kv.Key))] : [];

        private static string BaseName(string tensor)
        {
            var colon = tensor.LastIndexOf(':');
            return colon > 0 && int.TryParse(tensor.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? tensor[..colon] : tensor;
        }

        private static List<TensorDim> OutputShape(JsonObject? signature, string output, int rank)
        {
            if (signature?["outputs"] is JsonObject outs)
                foreach (var (_, spec) in outs)
                    if (spec?["name"]?.GetValue<string>() is { } n && BaseName(n) == output
                        && spec["tensorShape"]?["dim"] is JsonArray dims && dims.Count == rank)
                        return [.. dims.Select((d, i) => long.TryParse(d?["size"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var s) && s > 0 ? (TensorDim)s : $"{output}_d{i}")];
            return [.. Enumerable.Range(0, rank).Select(i => (TensorDim)$"{output}_d{i}")];
        }

        private static List<string> Inputs(JsonObject node) =>
            node["input"] is JsonArray a ? [.. a.Select(i => i.Required().GetValue<string>()).Where(i => !i.StartsWith('^'))] : [];

        /// <summary>
        /// Converts node <paramref name="reference"/> (and, first, everything it reads), once. Depth-first on a stack
        /// of our own: a chain of 200,000 nodes (an 11 MB model.json) overflowed the call stack when this recursed.
        /// </summary>
        private Value Visit(string reference)
        {
            var root = Resolve(reference);
            if (done.TryGetValue(root, out var ready)) return ready;
            var stack = new Stack<(string Name, JsonObject Node, List<string> Inputs, List<Value> Values)>();
            void Enter(string name)
            {
                if (!nodes.TryGetValue(name, out var node)) throw Problem($"reads '{name}', which no node defines");
                if (!visiting.Add(name)) throw Problem($"node '{name}' is part of a cycle");
                stack.Push((name, node, Inputs(node), []));
            }
            Enter(root);
            while (stack.Count > 0)
            {
                var (name, node, inputs, values) = stack.Peek();
                if (values.Count < inputs.Count)
                {
                    var next = Resolve(inputs[values.Count]);
                    if (done.TryGetValue(next, out var value)) values.Add(value);
                    else Enter(next);
                    continue;
                }
                stack.Pop();
                visiting.Remove(name);
                done[name] = Convert(node, name, node["op"]!.GetValue<string>(), values);
                if (stack.Count > 0) stack.Peek().Values.Add(done[name]);
            }
            return done[root];
        }

        /// <summary>The node a tensor reference names ("conv:0" is output 0 of "conv"; other outputs are refused).</summary>
        private string Resolve(string reference)
        {
            var colon = reference.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(reference.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                return reference;
            if (index != 0) throw Problem($"reads output {index} of '{reference[..colon]}'; only single-output ops are supported");
            return reference[..colon];
        }

        private Value Convert(JsonObject node, string name, string op, List<Value> x)
        {
            var attr = node["attr"] as JsonObject ?? new JsonObject();
            switch (op)
            {
                case "Placeholder":
                {
                    var dims = attr["shape"]?["shape"]?["dim"] as JsonArray ?? throw Problem($"input '{name}' has no shape");
                    if (attr["dtype"]?["type"]?.GetValue<string>() is { } t && t != "DT_FLOAT")
                        throw Problem($"input '{name}' has dtype {t}; float32 inputs only");
                    var shape = dims.Select((d, i) => long.TryParse(d?["size"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var s) && s > 0 ? (TensorDim)s : $"{name}_d{i}").ToList();
                    graph.Input(name, shape);
                    if (shape.Count != 4) return new Value(name, shape.Count, false);
                    nhwcOf[name + "_nchw"] = name;
                    return new Value(graph.Node("Transpose", [name], name + "_nchw", OnnxAttribute.Ints("perm", 0, 3, 1, 2)), 4, true);
                }
                case "Const":
                {
                    var c = weights.Take(name) ?? throw Problem($"constant '{name}' has no values in the weightsManifest");
                    return new Value("", c.Shape.Length, false, c);
                }
                case "Identity":
                    return Arity(x, 1, name, op)[0];
                case "Conv2D" or "_FusedConv2D" or "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative":
                    return Conv(attr, name, op, x);
                case "Conv2DBackpropInput":
                    return ConvTranspose(attr, name, x);
                case "MatMul" or "_FusedMatMul":
                {
                    if (x.Count < 2) throw Problem($"node '{name}' ({op}) has {x.Count} inputs, expected at least 2");
                    var (a, b) = (Plain(x[0]), Plain(x[1]));
                    if (a.Rank != 2 || b.Rank != 2) throw Problem($"node '{name}' ({op}) multiplies ranks {a.Rank} and {b.Rank}; 2-D only");
                    var ta = Bool(attr, "transpose_a") ? 1 : 0;
                    var tb = Bool(attr, "transpose_b") ? 1 : 0;
                    var fused = FusedOps(attr);
                    var args = x.Skip(2).ToList();
                    var gemmInputs = new List<string> { Tensor(a), Tensor(b) };
                    if (fused.FirstOrDefault() == "BiasAdd")
                    {
                        gemmInputs.Add(Tensor(args.Count > 0 ? args[0] : throw Problem($"node '{name}': BiasAdd fused without a bias")));
                        fused = fused.Skip(1).ToList();
                        args = args.Skip(1).ToList();
                    }
                    var y = new Value(graph.Node("Gemm", gemmInputs, null, OnnxAttribute.Int("transA", ta), OnnxAttribute.Int("transB", tb)), 2, false);
                    return Activations(y, fused, args, attr, name, op);
                }
                case "BiasAdd" or "Add" or "AddV2":
                    return Binary("Add", Arity(x, 2, name, op), name, op);
                case "Sub":
                    return Binary("Sub", Arity(x, 2, name, op), name, op);
                case "Mul":
                    return Binary("Mul", Arity(x, 2, name, op), name, op);
                case "RealDiv":
                    return Binary("Div", Arity(x, 2, name, op), name, op);
                case "Maximum":
                    return Binary("Max", Arity(x, 2, name, op), name, op);
                case "Minimum":
                    return Binary("Min", Arity(x, 2, name, op), name, op);
                case "AddN":
                {
                    if (x.Count == 0) throw Problem($"node '{name}' (AddN) has no inputs");
                    if (x.Count == 1) return x[0];
                    var acc = x[0];
                    for (var i = 1; i < x.Count; i++) acc = Binary("Add", [acc, x[i]], name, op);
                    return acc;
                }
                case "Relu" or "Relu6" or "Elu" or "LeakyRelu" or "Sigmoid" or "Tanh":
                    return Activations(Arity(x, 1, name, op)[0], [op], [], attr, name, op);
                case "Prelu":
                    return Activations(Arity(x, 2, name, op)[0], ["Prelu"], [x[1]], attr, name, op);
                case "MaxPool" or "AvgPool":
                    return Pool(attr, name, op, Arity(x, 1, name, op)[0]);
                case "Mean":
                {
                    Arity(x, 2, name, op);
                    var input = x[0];
                    var axes = Const(x[1], name, op).AsInts(Problem).Select(a => (long)(a < 0 ? a + input.Rank : a)).ToArray();
                    var keep = Bool(attr, "keep_dims");
                    if (input.Nchw) axes = [.. axes.Select(a => (long)NchwAxis((int)a, name))];
                    var t = graph.Node("ReduceMean", [Tensor(input)], null, OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keep ? 1 : 0));
                    if (keep) return new Value(t, input.Rank, input.Nchw);
                    if (input.Nchw && !(axes.Contains(2) && axes.Contains(3)))
                        throw Problem($"node '{name}' (Mean) drops axes of a 4-D tensor other than height and width; not supported");
                    return new Value(t, input.Rank - axes.Length, false);
                }
                case "Pad" or "PadV2":
                {
                    if (x.Count < 2) throw Problem($"node '{name}' ({op}) has {x.Count} inputs, expected 2 or 3");
                    var input = x[0];
                    var p = Const(x[1], name, op).AsInts(Problem);
                    if (p.Length != 2 * input.Rank) throw Problem($"node '{name}' ({op}): {p.Length / 2} paddings for a rank-{input.Rank} tensor");
                    var order = input.Nchw ? new[] { 0, 3, 1, 2 } : Enumerable.Range(0, input.Rank).ToArray();
                    var pads = order.Select(a => (long)p[2 * a]).Concat(order.Select(a => (long)p[2 * a + 1])).ToArray();
                    var padInputs = new List<string> { Tensor(input), graph.Initializer(graph.Fresh(name + "_pads"), pads, pads.Length) };
                    if (x.Count > 2) padInputs.Add(Tensor(Plain(x[2])));
                    return new Value(graph.Node("Pad", padInputs, null, OnnxAttribute.String("mode", "constant")), input.Rank, input.Nchw);
                }
                case "Reshape":
                {
                    Arity(x, 2, name, op);
                    var input = Nhwc(x[0]);
                    var shape = Const(x[1], name, op).AsInts(Problem).Select(d => (long)d).ToArray();
                    var t = graph.Node("Reshape", [Tensor(input), graph.Initializer(graph.Fresh(name + "_shape"), shape, shape.Length)]);
                    return new Value(t, shape.Length, false);
                }
                case "ConcatV2":
                {
                    if (x.Count < 2) throw Problem($"node '{name}' (ConcatV2) has no axis input");
                    var parts = x.Take(x.Count - 1).ToList();
                    var rank = parts[0].Rank;
                    var axis = Const(x[^1], name, op).AsInts(Problem) is [var a] ? a : throw Problem($"node '{name}' (ConcatV2): the axis is not a scalar");
                    if (axis < 0) axis += rank;
                    var nchw = parts.All(p => p.Nchw);
                    if (!nchw) parts = [.. parts.Select(Nhwc)];
                    var onnxAxis = nchw ? NchwAxis(axis, name) : axis;
                    return new Value(graph.Node("Concat", [.. parts.Select(Tensor)], null, OnnxAttribute.Int("axis", onnxAxis)), rank, nchw);
                }
                case "ResizeBilinear":
                {
                    Arity(x, 2, name, op);
                    var input = Nchw(x[0], name, op);
                    var size = Const(x[1], name, op).AsInts(Problem);
                    if (size.Length != 2) throw Problem($"node '{name}' (ResizeBilinear): size has {size.Length} values, expected 2");
                    var mode = Bool(attr, "align_corners") ? "align_corners" : Bool(attr, "half_pixel_centers") ? "half_pixel" : "asymmetric";
                    // The output's batch and channels are the input's: read them at run time.
                    var shape = graph.Node("Shape", [input.Tensor]);
                    var nc = graph.Node("Slice", [shape, Longs(name + "_s0", 0), Longs(name + "_s1", 2)]);
                    var sizes = graph.Node("Concat", [nc, Longs(name + "_hw", size[0], size[1])], null, OnnxAttribute.Int("axis", 0));
                    return new Value(graph.Node("Resize", [input.Tensor, "", "", sizes], null,
                        OnnxAttribute.String("mode", "linear"),
                        OnnxAttribute.String("coordinate_transformation_mode", mode)), 4, true);
                }
                default:
                    throw Problem($"node '{name}' is a {op}, which the converter does not support (supported: {string.Join(", ", SupportedOps)})");
            }
        }

        private string Longs(string prefix, params long[] values) => graph.Initializer(graph.Fresh(prefix), values, values.Length);

        /// <summary>Conv2D, DepthwiseConv2dNative and their fused forms: HWIO (or HW·C·M) filters to OIHW, then bias and activations.</summary>
        private Value Conv(JsonObject attr, string name, string op, List<Value> x)
        {
            if (x.Count < 2) throw Problem($"node '{name}' ({op}) has {x.Count} inputs, expected at least 2");
            CheckNhwc(attr, name, op);
            var input = Nchw(x[0], name, op);
            var filter = Const(x[1], name, op);
            if (filter.Shape.Length != 4 || filter.Floats is null) throw Problem($"node '{name}' ({op}): the filter is not a 4-D float constant");
            var depthwise = op.Contains("Depthwise", StringComparison.Ordinal);
            var (kh, kw, cin, cout) = ((int)filter.Shape[0], (int)filter.Shape[1], (int)filter.Shape[2], (int)filter.Shape[3]);
            float[] oihw;
            long[] dims;
            if (depthwise)
            {
                // [kh, kw, C, M] → [C·M, 1, kh, kw]: output channel c·M + m filters input channel c.
                oihw = new float[filter.Floats.Length];
                for (var h = 0; h < kh; h++)
                    for (var w = 0; w < kw; w++)
                        for (var c = 0; c < cin; c++)
                            for (var m = 0; m < cout; m++)
                                oihw[((c * cout + m) * kh + h) * kw + w] = filter.Floats[((h * kw + w) * cin + c) * cout + m];
                dims = [cin * cout, 1, kh, kw];
            }
            else
            {
                oihw = Hwio(filter.Floats, kh, kw, cin, cout, out dims);
            }
            var strides = Spatial(attr, "strides", name);
            var dilations = Spatial(attr, "dilations", name);
            var convInputs = new List<string> { input.Tensor, graph.Initializer(graph.Fresh(name + "_w"), oihw, dims) };
            var fused = FusedOps(attr);
            var args = x.Skip(2).ToList();
            if (fused.FirstOrDefault() == "BiasAdd")
            {
                var bias = Const(args.Count > 0 ? args[0] : throw Problem($"node '{name}': BiasAdd fused without a bias"), name, op);
                convInputs.Add(graph.Initializer(graph.Fresh(name + "_b"), bias.Floats ?? throw Problem($"node '{name}': the bias is not float"), bias.Count));
                fused = fused.Skip(1).ToList();
                args = args.Skip(1).ToList();
            }
            var attributes = new List<OnnxAttribute>
            {
                OnnxAttribute.Ints("kernel_shape", kh, kw),
                OnnxAttribute.Ints("strides", strides.H, strides.W),
                OnnxAttribute.Ints("dilations", dilations.H, dilations.W),
                OnnxAttribute.Int("group", depthwise ? cin : 1),
            };
            attributes.Add(Padding(attr, name, op));
            var y = new Value(graph.Node("Conv", convInputs, null, [.. attributes]), 4, true);
            return Activations(y, fused, args, attr, name, op);
        }

        /// <summary>Conv2DBackpropInput (a transposed convolution): inputs output_shape, filter [kh, kw, out, in], x.</summary>
        private Value ConvTranspose(JsonObject attr, string name, List<Value> x)
        {
            Arity(x, 3, name, "Conv2DBackpropInput");
            CheckNhwc(attr, name, "Conv2DBackpropInput");
            var outShape = Const(x[0], name, "Conv2DBackpropInput").AsInts(Problem);
            var filter = Const(x[1], name, "Conv2DBackpropInput");
            var input = Nchw(x[2], name, "Conv2DBackpropInput");
            if (filter.Shape.Length != 4 || filter.Floats is null || outShape.Length != 4)
                throw Problem($"node '{name}' (Conv2DBackpropInput): expects a 4-D float filter and a 4-value output shape");
            var (kh, kw, cout, cin) = ((int)filter.Shape[0], (int)filter.Shape[1], (int)filter.Shape[2], (int)filter.Shape[3]);
            // [kh, kw, out, in] → ONNX ConvTranspose's [in, out, kh, kw].
            var w = new float[filter.Floats.Length];
            for (var h = 0; h < kh; h++)
                for (var k = 0; k < kw; k++)
                    for (var o = 0; o < cout; o++)
                        for (var i = 0; i < cin; i++)
                            w[((i * cout + o) * kh + h) * kw + k] = filter.Floats[((h * kw + k) * cout + o) * cin + i];
            var strides = Spatial(attr, "strides", name);
            var dilations = Spatial(attr, "dilations", name);
            // The output size is given; ONNX derives the padding from output_shape (SAME_UPPER puts the odd pixel where TF does).
            return new Value(graph.Node("ConvTranspose", [input.Tensor, graph.Initializer(graph.Fresh(name + "_w"), w, cin, cout, kh, kw)], null,
                OnnxAttribute.Ints("kernel_shape", kh, kw),
                OnnxAttribute.Ints("strides", strides.H, strides.W),
                OnnxAttribute.Ints("dilations", dilations.H, dilations.W),
                OnnxAttribute.Ints("output_shape", outShape[1], outShape[2]),
                OnnxAttribute.String("auto_pad", "SAME_UPPER")), 4, true);
        }

        private static float[] Hwio(float[] values, int kh, int kw, int cin, int cout, out long[] dims)
        {
            var oihw = new float[values.Length];
            for (var h = 0; h < kh; h++)
                for (var w = 0; w < kw; w++)
                    for (var i = 0; i < cin; i++)
                        for (var o = 0; o < cout; o++)
                            oihw[((o * cin + i) * kh + h) * kw + w] = values[((h * kw + w) * cin + i) * cout + o];
            dims = [cout, cin, kh, kw];
            return oihw;
        }

        private Value Pool(JsonObject attr, string name, string op, Value x)
        {
            CheckNhwc(attr, name, op);
            var input = Nchw(x, name, op);
            var k = Spatial(attr, "ksize", name);
            var s = Spatial(attr, "strides", name);
            // AvgPool: TF averages over the pixels inside the image only, ONNX's count_include_pad = 0.
            return new Value(graph.Node(op == "MaxPool" ? "MaxPool" : "AveragePool", [input.Tensor], null,
                OnnxAttribute.Ints("kernel_shape", k.H, k.W), OnnxAttribute.Ints("strides", s.H, s.W), Padding(attr, name, op)), 4, true);
        }

        /// <summary>TF 'SAME' pads the odd pixel after, which is ONNX's SAME_UPPER; 'VALID' pads nothing.</summary>
        private OnnxAttribute Padding(JsonObject attr, string name, string op) => String(attr, "padding") switch
        {
            "SAME" => OnnxAttribute.String("auto_pad", "SAME_UPPER"),
            "VALID" => OnnxAttribute.String("auto_pad", "VALID"),
            var p => throw Problem($"node '{name}' ({op}): padding '{p}' is not supported (SAME, VALID)"),
        };

        /// <summary>The activations a fused op (or a plain activation op) applies after its main work, in order.</summary>
        private Value Activations(Value y, IReadOnlyList<string> ops, List<Value> args, JsonObject attr, string name, string op)
        {
            foreach (var f in ops)
            {
                y = f switch
                {
                    "Relu" => Same(y, graph.Node("Relu", [y.Tensor])),
                    "Relu6" => Same(y, graph.Node("Clip", [y.Tensor, Scalar(0), Scalar(6)])),
                    "Elu" => Same(y, graph.Node("Elu", [y.Tensor])),
                    "Sigmoid" => Same(y, graph.Node("Sigmoid", [y.Tensor])),
                    "Tanh" => Same(y, graph.Node("Tanh", [y.Tensor])),
                    "LeakyRelu" => Same(y, graph.Node("LeakyRelu", [y.Tensor], null, OnnxAttribute.Float("alpha", Float(attr, "leakyrelu_alpha", Float(attr, "alpha", 0.2f))))),
                    "Prelu" => Same(y, graph.Node("PRelu", [y.Tensor, Broadcastable(args.Count > 0 ? args[0] : throw Problem($"node '{name}': Prelu without its alpha"), y, name)])),
                    _ => throw Problem($"node '{name}' ({op}) fuses {f}, which the converter does not support (BiasAdd, Relu, Relu6, Elu, Sigmoid, Tanh, LeakyRelu, Prelu)"),
                };
            }
            return y;
        }

        private static Value Same(Value like, string tensor) => like with { Tensor = tensor, Const = null };

        /// <summary>An elementwise op with TF broadcasting, done in the layout of the 4-D operand.</summary>
        private Value Binary(string onnxOp, List<Value> x, string name, string op)
        {
            var (a, b) = (x[0], x[1]);
            if (a.Const is not null && b.Const is null) return Binary(onnxOp, a, b, name, swap: true);
            return Binary(onnxOp, b, a, name, swap: false);
        }

        private Value Binary(string onnxOp, Value other, Value main, string name, bool swap)
        {
            // main: the operand whose layout the result takes (a runtime tensor when there is one).
            if (main.Nchw && !other.Nchw && other.Const is null)
            {
                if (other.Rank == 4) other = Nchw(other, name, "binary");
                else main = Nhwc(main);
            }
            else if (!main.Nchw && other.Nchw)
            {
                if (main.Rank == 4) main = Nchw(main, name, "binary");
                else other = Nhwc(other);
            }
            var o = main.Nchw ? Broadcastable(other, main, name) : Tensor(other);
            var inputs = swap ? new List<string> { o, Tensor(main) } : [Tensor(main), o];
            return new Value(graph.Node(onnxOp, inputs), Math.Max(main.Rank, other.Rank), main.Nchw);
        }

        /// <summary>
        /// <paramref name="v"/> made to broadcast against the NCHW tensor <paramref name="like"/> as it did against its
        /// NHWC original: constants are permuted now, a scalar stays a scalar, a 4-D runtime tensor is already NCHW.
        /// </summary>
        private string Broadcastable(Value v, Value like, string name)
        {
            if (!like.Nchw || v.Nchw) return Tensor(v);
            if (v.Const is not { } c)
                throw Problem($"node '{name}' broadcasts a rank-{v.Rank} tensor computed at run time against a 4-D image tensor; not supported");
            if (c.Floats is null) throw Problem($"node '{name}': an int constant in a float operation");
            if (c.Count == 1) return graph.Initializer(graph.Fresh(name + "_k"), c.Floats, []);
            // Right-align to rank 4 (TF broadcasting), then NHWC → NCHW.
            var s = Enumerable.Repeat(1L, 4 - c.Shape.Length).Concat(c.Shape).ToArray();
            if (s.Length != 4) throw Problem($"node '{name}': a rank-{c.Shape.Length} constant broadcast against a 4-D tensor");
            var (n, h, w, ch) = ((int)s[0], (int)s[1], (int)s[2], (int)s[3]);
            var permuted = new float[c.Floats.Length];
            for (var i = 0; i < n; i++)
                for (var y = 0; y < h; y++)
                    for (var xx = 0; xx < w; xx++)
                        for (var k = 0; k < ch; k++)
                            permuted[((i * ch + k) * h + y) * w + xx] = c.Floats[((i * h + y) * w + xx) * ch + k];
            return graph.Initializer(graph.Fresh(name + "_k"), permuted, n, ch, h, w);
        }

        private string Tensor(Value v)
        {
            if (v.Tensor.Length > 0) return v.Tensor;
            var c = v.Const!;
            return c.Floats is not null
                ? graph.Initializer(graph.Fresh("const"), c.Floats, c.Shape)
                : graph.Initializer(graph.Fresh("const"), c.Ints!.Select(i => (long)i).ToArray(), c.Shape);
        }

        private Value Plain(Value v) => v.Nchw ? Nhwc(v) : v;

        /// <summary>The tensor in TF's own layout (NHWC for a 4-D tensor).</summary>
        private Value Nhwc(Value v)
        {
            if (!v.Nchw) return v;
            if (!nhwcOf.TryGetValue(v.Tensor, out var t))
                nhwcOf[v.Tensor] = t = graph.Node("Transpose", [v.Tensor], null, OnnxAttribute.Ints("perm", 0, 2, 3, 1));
            return new Value(t, 4, false);
        }

        private Value Nchw(Value v, string name, string op)
        {
            if (v.Nchw) return v;
            if (v.Rank != 4) throw Problem($"node '{name}' ({op}) needs a 4-D image tensor, got rank {v.Rank}");
            return new Value(graph.Node("Transpose", [Tensor(v)], null, OnnxAttribute.Ints("perm", 0, 3, 1, 2)), 4, true);
        }

        private readonly Dictionary<float, string> scalars = [];

        private string Scalar(float value)
        {
            if (!scalars.TryGetValue(value, out var n))
                scalars[value] = n = graph.Initializer(graph.Fresh("scalar"), [value]);
            return n;
        }

        private Constant Const(Value v, string name, string op) =>
            v.Const ?? throw Problem($"node '{name}' ({op}) needs a constant there, got a tensor computed at run time");

        private List<Value> Arity(List<Value> x, int count, string name, string op) =>
            x.Count == count ? x : throw Problem($"node '{name}' ({op}) has {x.Count} inputs, expected {count}");

        private int NchwAxis(int axis, string name) => (axis < 0 ? axis + 4 : axis) switch
        {
            0 => 0, 1 => 2, 2 => 3, 3 => 1,
            _ => throw Problem($"node '{name}': axis {axis} is out of range for a 4-D tensor"),
        };

        private void CheckNhwc(JsonObject attr, string name, string op)
        {
            if (String(attr, "data_format") is { } f && f != "NHWC")
                throw Problem($"node '{name}' ({op}): data_format {f} is not supported (NHWC)");
        }

        private (long H, long W) Spatial(JsonObject attr, string key, string name)
        {
            var list = attr[key]?["list"]?["i"] as JsonArray;
            if (list is null || list.Count == 0) return (1, 1);
            var v = list.Select(i => long.Parse(i.Required().ToString(), CultureInfo.InvariantCulture)).ToArray();
            if (v.Length != 4 || v[0] != 1 || v[3] != 1) throw Problem($"node '{name}': {key} [{string.Join(",", v)}] is not [1, h, w, 1]");
            return (v[1], v[2]);
        }

        private static List<string> FusedOps(JsonObject attr) =>
            attr["fused_ops"]?["list"]?["s"] is JsonArray a ? [.. a.Select(s => Encoding.UTF8.GetString(System.Convert.FromBase64String(s.Required().GetValue<string>())))] : [];

        private static string? String(JsonObject attr, string key) =>
            attr[key]?["s"]?.GetValue<string>() is { } s ? Encoding.UTF8.GetString(System.Convert.FromBase64String(s)) : null;

        private static bool Bool(JsonObject attr, string key) => attr[key]?["b"]?.GetValue<bool>() ?? false;

        private static float Float(JsonObject attr, string key, float fallback) =>
            attr[key]?["f"] is JsonValue v && v.TryGetValue<double>(out var d) ? (float)d : fallback;

        private BurnishException Problem(string message) => new($"{path}: {message}");
    }

    /// <summary>
    /// The weights of a graph model: the manifest's groups in order, each group's shards concatenated, each weight
    /// taking count × bytes-per-value in manifest order (tfjs-converter's layout). Quantised weights are dequantised:
    /// float16 bit-exactly, uint8/uint16 as min + q·scale (tfjs's affine scheme).
    /// </summary>
    private sealed class GraphWeights(Dictionary<string, Constant> byName)
    {
        public Constant? Take(string name) => byName.GetValueOrDefault(name);

        public static GraphWeights Read(string modelJsonPath, JsonObject json)
        {
            var manifest = json["weightsManifest"] as JsonArray ?? throw new BurnishException($"{modelJsonPath}: has no weightsManifest");
            var weights = new Dictionary<string, Constant>(StringComparer.Ordinal);
            foreach (var groupNode in manifest)
            {
                var group = groupNode as JsonObject ?? throw new BurnishException($"{modelJsonPath}: malformed weightsManifest");
                var specs = (group["weights"] as JsonArray ?? throw new BurnishException($"{modelJsonPath}: weight group without weights"))
                    .Select(s => s as JsonObject ?? throw new BurnishException($"{modelJsonPath}: malformed weight entry")).ToList();
                var paths = group["paths"] as JsonArray ?? throw new BurnishException($"{modelJsonPath}: weight group without paths");
                var layout = specs.Select(s => Layout(modelJsonPath, s)).ToList();
                var expected = layout.Sum(l => l.Count * l.Bytes);

                var bytes = TfjsFiles.ReadShards(modelJsonPath, paths, expected);

                var offset = 0;
                foreach (var (spec, l) in specs.Zip(layout))
                {
                    weights[spec["name"]!.GetValue<string>()] = Decode(bytes.AsSpan(offset, (int)(l.Count * l.Bytes)), l);
                    offset += (int)(l.Count * l.Bytes);
                }
            }
            return new GraphWeights(weights);
        }

        private static Constant Decode(ReadOnlySpan<byte> span, (long[] Shape, long Count, int Bytes, string Kind, double Scale, double Min) l)
        {
            var n = (int)l.Count;
            if (l.Kind == "int32")
            {
                var ints = new int[n];
                for (var i = 0; i < n; i++) ints[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]);
                return new Constant(l.Shape, null, ints);
            }
            var f = new float[n];
            for (var i = 0; i < n; i++)
                f[i] = l.Kind switch
                {
                    "float32" => BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]),
                    "float16" => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..])),
                    "uint8" => (float)(l.Min + span[i] * l.Scale),
                    "uint16" => (float)(l.Min + BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]) * l.Scale),
                    _ => throw new InvalidOperationException(l.Kind),
                };
            return new Constant(l.Shape, f, null);
        }

        private static (long[] Shape, long Count, int Bytes, string Kind, double Scale, double Min) Layout(string path, JsonObject spec)
        {
            var name = spec["name"]?.GetValue<string>() ?? throw new BurnishException($"{path}: a weight without a name");
            var shape = spec["shape"] is JsonArray a ? a.Select(d => d.Required().GetValue<long>()).ToArray() : [];
            if (shape.Any(d => d < 0)) throw new BurnishException($"{path}: weight '{name}' has a negative dimension");
            var count = shape.Aggregate(1L, (x, d) => checked(x * d));
            var dtype = spec["dtype"]?.GetValue<string>() ?? "float32";
            if (spec["quantization"] is JsonObject q)
            {
                var qtype = q["dtype"]?.GetValue<string>();
                if (dtype != "float32") throw new BurnishException($"{path}: weight '{name}' is a quantised {dtype}; only quantised float32 weights are supported");
                double Num(string key) => q[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : throw new BurnishException($"{path}: weight '{name}': quantisation without {key}");
                return qtype switch
                {
                    "float16" => (shape, count, 2, "float16", 0, 0),
                    "uint8" => (shape, count, 1, "uint8", Num("scale"), Num("min")),
                    "uint16" => (shape, count, 2, "uint16", Num("scale"), Num("min")),
                    _ => throw new BurnishException($"{path}: weight '{name}' is quantised as {qtype}, which is not supported (float16, uint8, uint16)"),
                };
            }
            return dtype switch
            {
                "float32" => (shape, count, 4, "float32", 0, 0),
                "int32" => (shape, count, 4, "int32", 0, 0),
                _ => throw new BurnishException($"{path}: weight '{name}' has dtype {dtype}, which is not supported (float32, int32)"),
            };
        }
    }
}
