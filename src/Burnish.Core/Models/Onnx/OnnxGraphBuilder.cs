using System.Runtime.InteropServices;
using Burnish.IO;
using Google.Protobuf;

namespace Burnish.Models.Onnx;

/// <summary>One dimension of a tensor shape: a fixed size, or a name that ONNX Runtime binds at run time.</summary>
public readonly record struct TensorDim(long? Value, string? Param)
{
    public static implicit operator TensorDim(long value) => new(value, null);
    public static implicit operator TensorDim(int value) => new(value, null);
    public static implicit operator TensorDim(string param) => new(null, param);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>A node attribute, given to <see cref="OnnxGraphBuilder.Node"/>.</summary>
public sealed class OnnxAttribute
{
    internal AttributeProto Proto { get; }

    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    public static OnnxAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    public static OnnxAttribute String(string name, string value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    public static OnnxAttribute Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return new(a);
    }

    public static OnnxAttribute Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return new(a);
    }
}

/// <summary>
/// Writes ONNX models: graph inputs and outputs, initializers (weights), nodes and metadata, checked for dangling
/// names at <see cref="Build"/>. Used by the TF.js converter and by tests that need small models of their own.
/// </summary>
/// <example>
/// <code>
/// var g = new OnnxGraphBuilder("double");
/// var x = g.Input("input", [1, 3, "height", "width"]);
/// var two = g.Initializer("two", [2f]);
/// g.Node("Mul", [x, two], "output");
/// g.Output("output", [1, 3, "height", "width"]);
/// g.Save("double.onnx");
/// </code>
/// </example>
public sealed class OnnxGraphBuilder(string graphName = "graph", int opset = OnnxGraphBuilder.DefaultOpset)
{
    /// <summary>Opset 17 (ONNX 1.12, 2022): everything the image models need, run by every current ONNX Runtime.</summary>
    public const int DefaultOpset = 17;

    /// <summary>IR version 8 goes with opset 17.</summary>
    public const long IrVersion = 8;

    private readonly GraphProto graph = new() { Name = graphName };
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> metadata = new(StringComparer.Ordinal);
    private int counter;

    public int Opset { get; } = opset;

    /// <summary>Free-text description stored in the model's doc_string.</summary>
    public string? Description { get; set; }

    /// <summary>Declares a graph input (float unless <paramref name="type"/> says otherwise) and returns its name.</summary>
    public string Input(string name, IReadOnlyList<TensorDim> shape, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float)
    {
        Claim(name);
        graph.Input.Add(ValueInfo(name, shape, type));
        return name;
    }

    /// <summary>Declares a graph output; a node must produce a tensor of that name.</summary>
    public void Output(string name, IReadOnlyList<TensorDim> shape, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float) =>
        graph.Output.Add(ValueInfo(name, shape, type));

    /// <summary>A float constant (weights, biases, scales), little-endian raw data. Empty dims make a scalar.</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>An int64 constant (shapes, axes).</summary>
    public string Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>Adds a node with one output, named <paramref name="output"/> or a fresh name; returns the output name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? output = null, params OnnxAttribute[] attributes) =>
        NodeWithOutputs(opType, inputs, [output ?? Fresh(opType)], attributes)[0];

    /// <summary>Adds a node with several outputs. An input may be "" for an omitted optional input.</summary>
    public IReadOnlyList<string> NodeWithOutputs(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        foreach (var o in outputs) Claim(o);
        node.Output.AddRange(outputs);
        foreach (var a in attributes) node.Attribute.Add(a.Proto.Clone());
        graph.Node.Add(node);
        return outputs;
    }

    /// <summary>A name not used yet, from <paramref name="prefix"/>.</summary>
    public string Fresh(string prefix)
    {
        string name;
        do name = $"{prefix}_{++counter}"; while (names.Contains(name));
        return name;
    }

    /// <summary>A key/value stored in the model's metadata_props (readable through ONNX Runtime's ModelMetadata).</summary>
    public void Metadata(string key, string value) => metadata[key] = value;

    /// <summary>The model, after checking that every node input and graph output names a defined tensor.</summary>
    public ModelProto Build()
    {
        var defined = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
                if (input.Length > 0 && !defined.Contains(input))
                    throw new InvalidOperationException($"ONNX node {node.Name} ({node.OpType}) reads '{input}', which nothing before it defines");
            defined.UnionWith(node.Output);
        }
        foreach (var output in graph.Output)
            if (!defined.Contains(output.Name))
                throw new InvalidOperationException($"ONNX graph output '{output.Name}' is produced by no node");
        if (graph.Output.Count == 0) throw new InvalidOperationException("ONNX graph has no output");

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "burnish",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = graph.Clone(),
        };
        if (Description is not null) model.DocString = Description;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Builds and writes the model atomically (temp file + rename).</summary>
    public void Save(string path) => OnnxFile.Save(Build(), path);

    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> data, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != count)
            throw new ArgumentException($"initializer '{name}': {count} values for shape [{string.Join(",", dims)}]");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return name;
    }

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("ONNX tensor names must not be empty");
        if (!names.Add(name)) throw new ArgumentException($"ONNX tensor name '{name}' is already used");
    }

    private static ValueInfoProto ValueInfo(string name, IReadOnlyList<TensorDim> shape, TensorProto.Types.DataType type)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var d in shape)
            tensorShape.Dim.Add(d.Value is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = d.Param ?? "" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}

/// <summary>Reading and writing ONNX files.</summary>
public static class OnnxFile
{
    /// <summary>Parses an ONNX file; a file that is not one gives a <see cref="BurnishException"/> naming it.</summary>
    public static ModelProto Load(string path)
    {
        if (!File.Exists(path)) throw new BurnishException($"{path}: model file not found");
        try
        {
            using var stream = File.OpenRead(path);
            var model = ModelProto.Parser.ParseFrom(stream);
            if (model.Graph is null || model.Graph.Node.Count == 0)
                throw new BurnishException($"{path}: not an ONNX model (no graph)");
            return model;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new BurnishException($"{path}: not an ONNX model ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="model"/> under a temp name and renames it into place.</summary>
    public static void Save(ModelProto model, string path) => AtomicFile.WriteAllBytes(path, model.ToByteArray(), overwrite: true);

    /// <summary>The model's metadata_props as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(ModelProto model) =>
        model.MetadataProps.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
}
