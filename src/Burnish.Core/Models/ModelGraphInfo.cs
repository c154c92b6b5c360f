using Burnish.Models.Onnx;
using Google.Protobuf;

namespace Burnish.Models;

/// <summary>A graph input or output: name, element type and shape (fixed sizes or named dimensions).</summary>
public sealed record TensorSignature(string Name, TensorProto.Types.DataType ElementType, IReadOnlyList<TensorDim> Shape)
{
    public override string ToString() => $"{Name} {ElementType} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// What an ONNX image model costs and how far it sees, read from its graph alone (no inference), for any ONNX file:
/// converted here or brought by the user.
/// <para>
/// The spatial resolution of every tensor is followed relative to the image input (factor 1): Conv, pooling and
/// SpaceToDepth divide it by their stride or block; ConvTranspose, DepthToSpace and Resize/Upsample with constant
/// scales multiply it. Everything else keeps it. A Resize whose output size is computed at run time, or a stride or
/// scale that differs between height and width, leaves the resolution unknown from there on.
/// </para>
/// </summary>
/// <param name="Parameters">Elements of every floating-point constant with more than one element (initializers and
/// Constant nodes), except the scales and regions of interest of Resize/Upsample: the learned weights and biases,
/// as Keras counts them. Scalar constants (such as a residual scaling ×0.2) are not counted.</param>
/// <param name="FlopsPerOutputPixel">Σ over Conv and ConvTranspose nodes of 2 × multiply-adds per pixel of the node's
/// output × (node resolution ÷ model output resolution)²: the convolution work per pixel of the model's output. Null
/// when a convolution's resolution or weight shape is unknown.</param>
/// <param name="ReceptiveRadius">How many input pixels on each side of a pixel can influence the output at that pixel,
/// along the longest path through the graph: each Conv or pooling adds dilation·(k−1)/2 pixels at the resolution of
/// its input, i.e. that many divided by the resolution factor; linear and cubic Resize add 1 and 2 pixels of their
/// input. This is the theoretical receptive field; global operations (GlobalAveragePool…) are not counted. Null when
/// the resolution along some path is unknown.</param>
/// <param name="Scale">Output resolution ÷ input resolution (4 for a ×4 upscaler), when it can be derived.</param>
/// <param name="Inputs">The graph's inputs that are not constants.</param>
/// <param name="Outputs">The graph's outputs.</param>
/// <param name="Operators">How many nodes of each operator type the graph has.</param>
/// <param name="Metadata">The model's metadata_props.</param>
public sealed record ModelGraphInfo(
    long Parameters,
    double? FlopsPerOutputPixel,
    double? ReceptiveRadius,
    double? Scale,
    IReadOnlyList<TensorSignature> Inputs,
    IReadOnlyList<TensorSignature> Outputs,
    IReadOnlyDictionary<string, int> Operators,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The scale as a whole number when it is one (2, 3, 4, 8), else null.</summary>
    public int? IntegerScale => Scale is { } s && Math.Abs(s - Math.Round(s)) < 1e-9 && s >= 1 ? (int)Math.Round(s) : null;

    /// <summary>The receptive radius rounded up to whole input pixels: the least tile overlap that changes nothing.</summary>
    public int? ReceptiveRadiusPixels => ReceptiveRadius is { } r ? (int)Math.Ceiling(r - 1e-9) : null;

    /// <summary>Parses and analyses an ONNX file.</summary>
    public static ModelGraphInfo Load(string path) => Analyse(OnnxFile.Load(path));

    /// <summary>Analyses a parsed model (see the type's remarks for the rules).</summary>
    public static ModelGraphInfo Analyse(ModelProto model)
    {
        var graph = model.Graph ?? throw new BurnishException("ONNX model has no graph");
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) constants[t.Name] = t;
        foreach (var node in graph.Node)
            if (node.OpType == "Constant" && node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } value } && node.Output.Count == 1)
                constants[node.Output[0]] = value;

        var inputs = graph.Input.Where(i => !constants.ContainsKey(i.Name)).Select(Signature).ToList();
        var outputs = graph.Output.Select(Signature).ToList();
        var operators = graph.Node.GroupBy(n => n.OpType, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var order = TopologicalOrder(graph, constants.Keys);

        // Resolution factor per tensor (null: unknown) and receptive radius in input pixels (null: unknown). Tensors
        // that carry no image plane (shapes, globally pooled vectors) are followed separately and ignored by both.
        var factor = new Dictionary<string, double?>(StringComparer.Ordinal);
        var radius = new Dictionary<string, double?>(StringComparer.Ordinal);
        var nonSpatial = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in inputs)
        {
            factor[i.Name] = 1.0;
            radius[i.Name] = 0.0;
        }

        var convWork = new List<(double Macs, double? Factor)>();
        foreach (var node in order)
        {
            if (node.OpType == "Constant") continue;
            var data = node.Input.Where(n => n.Length > 0 && !constants.ContainsKey(n)).ToList();
            var spatial = data.Where(n => !nonSpatial.Contains(n)).ToList();
            if (spatial.Count == 0 || node.OpType is "Shape" or "Size" or "GlobalAveragePool" or "GlobalMaxPool" or "GlobalLpPool")
            {
                nonSpatial.UnionWith(node.Output);
                continue;
            }
            double? r = spatial.Any(n => factor[n] is null) ? null : spatial.Max(n => factor[n]!.Value);
            double? rad = spatial.Any(n => radius[n] is null) ? null : spatial.Max(n => radius[n]!.Value);
            var (outR, add) = Step(node, r, constants);
            double? outRad = rad is { } a && add is { } b ? a + b : null;

            if (node.OpType is "Conv" or "ConvTranspose")
            {
                var weight = node.Input.Count > 1 && constants.TryGetValue(node.Input[1], out var w) ? w : null;
                double? macs = weight is null ? null : weight.Dims.Aggregate(1.0, (x, d) => x * d);
                if (node.OpType == "ConvTranspose" && macs is not null)
                {
                    var (sh, sw) = Pair(node, "strides", 1);
                    macs /= sh * sw; // each input pixel's kernel is spread over stride² output pixels
                }
                convWork.Add((macs ?? double.NaN, outR));
            }
            foreach (var o in node.Output.Where(o => o.Length > 0))
            {
                factor[o] = outR;
                radius[o] = outRad;
            }
        }

        double? outputFactor = outputs.Count > 0 && factor.TryGetValue(outputs[0].Name, out var of) ? of : null;
        double? outputRadius = outputs.Count > 0 && radius.TryGetValue(outputs[0].Name, out var orad) ? orad : null;
        double? flops = null;
        if (outputFactor is { } fo && convWork.All(c => c.Factor is not null && !double.IsNaN(c.Macs)))
            flops = convWork.Sum(c => 2 * c.Macs * Math.Pow(c.Factor!.Value / fo, 2));

        return new ModelGraphInfo(CountParameters(graph, constants), flops, outputRadius, outputFactor, inputs, outputs, operators,
            OnnxFile.Metadata(model));
    }

    /// <summary>The output resolution factor of one node and the receptive radius it adds (null: unknown).</summary>
    private static (double? Factor, double? AddPixels) Step(NodeProto node, double? r, IReadOnlyDictionary<string, TensorProto> constants)
    {
        if (r is not { } f) return (null, null);
        switch (node.OpType)
        {
            case "Conv":
            case "MaxPool":
            case "AveragePool":
            case "LpPool":
            {
                var (sh, sw) = Pair(node, "strides", 1);
                if (sh != sw) return (null, null);
                var (kh, kw) = Kernel(node, constants);
                var (dh, dw) = Pair(node, "dilations", 1);
                var reach = Math.Max(dh * (kh - 1), dw * (kw - 1)) / 2.0;
                return (f / sh, reach / f);
            }
            case "ConvTranspose":
            {
                var (sh, sw) = Pair(node, "strides", 1);
                if (sh != sw) return (null, null);
                var (kh, kw) = Kernel(node, constants);
                var (dh, dw) = Pair(node, "dilations", 1);
                var reach = Math.Max(dh * (kh - 1), dw * (kw - 1)) / 2.0;
                return (f * sh, reach / (f * sh)); // the kernel spans output pixels of the transposed conv
            }
            case "DepthToSpace":
                return (f * Int(node, "blocksize", 1), 0);
            case "SpaceToDepth":
                return (f / Int(node, "blocksize", 1), 0);
            case "Resize":
            case "Upsample":
            {
                var scalesName = node.OpType == "Upsample" ? (node.Input.Count > 1 ? node.Input[1] : "") : (node.Input.Count > 2 ? node.Input[2] : "");
                float[]? scales = null;
                if (scalesName.Length > 0 && constants.TryGetValue(scalesName, out var t)) scales = Floats(t);
                else if (node.Attribute.FirstOrDefault(a => a.Name == "scales") is { } attr) scales = [.. attr.Floats];
                if (scales is not { Length: 4 } || scales[2] != scales[3]) return (null, null);
                var mode = Text(node, "mode", "nearest");
                var reach = mode switch { "linear" or "bilinear" => 1.0, "cubic" or "bicubic" => 2.0, _ => 0.0 };
                return (f * scales[2], reach / f);
            }
            default:
                return (f, 0);
        }
    }

    private static long CountParameters(GraphProto graph, IReadOnlyDictionary<string, TensorProto> constants)
    {
        // Resize roi/scales and Upsample scales are configuration, not learned weights.
        var configuration = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Resize") configuration.UnionWith(node.Input.Skip(1));
            if (node.OpType == "Upsample") configuration.UnionWith(node.Input.Skip(1));
        }
        long total = 0;
        foreach (var (name, t) in constants)
        {
            if (configuration.Contains(name)) continue;
            if ((TensorProto.Types.DataType)t.DataType is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Float16
                or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Bfloat16)) continue;
            var count = t.Dims.Aggregate(1L, (a, d) => a * d);
            if (count > 1) total += count;
        }
        return total;
    }

    /// <summary>
    /// Kahn's order: each node once its inputs are defined, in linear time (rescanning the pending nodes each round
    /// took 4 s for a converted chain of 8,000 layers, quadratic in its length).
    /// </summary>
    private static List<NodeProto> TopologicalOrder(GraphProto graph, IEnumerable<string> constants)
    {
        var available = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(constants), StringComparer.Ordinal) { "" };
        var missing = new int[graph.Node.Count];
        var readers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var ready = new Queue<int>();
        for (var i = 0; i < graph.Node.Count; i++)
        {
            foreach (var input in graph.Node[i].Input.Distinct(StringComparer.Ordinal).Where(n => !available.Contains(n)))
            {
                missing[i]++;
                if (!readers.TryGetValue(input, out var list)) readers[input] = list = [];
                list.Add(i);
            }
            if (missing[i] == 0) ready.Enqueue(i);
        }
        var order = new List<NodeProto>(graph.Node.Count);
        while (ready.TryDequeue(out var i))
        {
            order.Add(graph.Node[i]);
            foreach (var output in graph.Node[i].Output)
                if (available.Add(output) && readers.Remove(output, out var waiting))
                    foreach (var j in waiting)
                        if (--missing[j] == 0) ready.Enqueue(j);
        }
        if (order.Count < graph.Node.Count)
        {
            var stuck = Enumerable.Range(0, graph.Node.Count).Where(i => missing[i] > 0).Take(3).Select(i => $"{graph.Node[i].OpType} {graph.Node[i].Name}");
            throw new BurnishException($"ONNX graph has a cycle or reads undefined tensors ({string.Join(", ", stuck)})");
        }
        return order;
    }

    private static TensorSignature Signature(ValueInfoProto v)
    {
        var tensor = v.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? (TensorDim)d.DimValue
            : new TensorDim(null, d.HasDimParam ? d.DimParam : null)).ToList() ?? [];
        return new TensorSignature(v.Name, (TensorProto.Types.DataType)(tensor?.ElemType ?? 0), dims);
    }

    private static (long Kh, long Kw) Kernel(NodeProto node, IReadOnlyDictionary<string, TensorProto> constants)
    {
        if (node.Attribute.FirstOrDefault(a => a.Name == "kernel_shape") is { Ints.Count: 2 } ks) return (ks.Ints[0], ks.Ints[1]);
        if (node.Input.Count > 1 && constants.TryGetValue(node.Input[1], out var w) && w.Dims.Count == 4) return (w.Dims[2], w.Dims[3]);
        return (1, 1);
    }

    private static (long H, long W) Pair(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { Ints.Count: >= 2 } a ? (a.Ints[0], a.Ints[1]) : (fallback, fallback);

    private static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static string Text(NodeProto node, string name, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.S.ToStringUtf8() : fallback;

    private static float[]? Floats(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float) return null;
        if (t.FloatData.Count > 0) return [.. t.FloatData];
        return t.RawData.IsEmpty ? [] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
    }
}
