using System.Text.Json.Nodes;
using Burnish.Models;

namespace Burnish.Core.Tests.Models;

/// <summary>
/// The converter on tiny TF.js layers models that the tests write themselves (model.json + one shard), checked
/// against hand computations in NHWC/HWIO, i.e. in the source model's own layout.
/// </summary>
public class TfjsLayersConverterTests
{
    /// <summary>Float32 sums of a handful of products: 1e-5 relative is far above rounding and far below any layout slip.</summary>
    private const double Tolerance = 1e-5;

    [Fact]
    public void ConvKernelOrientationAndSamePaddingMatchAHandComputation()
    {
        // One channel, 3×3 kernel that is zero except top-middle = 10 and middle-right = 100, bias 0.5:
        // out(y, x) = 10·in(y−1, x) + 100·in(y, x+1) + 0.5 with zero padding ('same').
        using var dir = new TempDir();
        var kernel = new float[9]; // HWIO with I = O = 1: index h·3 + w
        kernel[0 * 3 + 1] = 10;
        kernel[1 * 3 + 2] = 100;
        var model = new TinyModel(1)
            .Conv("c", "input_1", filters: 1, k: 3, kernel, [0.5f]);
        var onnx = model.Write(dir, "c");

        // input [[1, 2], [3, 4]] (NCHW [1,1,2,2])
        var (values, shape) = ModelRunner.Run(onnx, [1, 2, 3, 4], [1, 1, 2, 2]);
        Assert.Equal([1L, 1, 2, 2], shape);
        AssertClose([200.5f, 0.5f, 410.5f, 20.5f], values);
    }

    [Fact]
    public void RdnStyleGraphMatchesReferenceComputation()
    {
        // input(3) → conv a 3×3 (4) → relu → concat(input, a) (7) → conv b 1×1 valid (3) → add(b, input)
        // → upsample ×2 nearest → conv out 3×3 (3). Non-square input to catch height/width swaps.
        using var dir = new TempDir();
        var rng = new Random(7);
        float[] Rand(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        var (ka, ba) = (Rand(3 * 3 * 3 * 4), Rand(4));
        var (kb, bb) = (Rand(1 * 1 * 7 * 3), Rand(3));
        var (ko, bo) = (Rand(3 * 3 * 3 * 3), Rand(3));
        var model = new TinyModel(3)
            .Conv("a", "input_1", 4, 3, ka, ba)
            .Layer("Activation", "a_relu", ["a"], new JsonObject { ["activation"] = "relu" })
            .Layer("Concatenate", "cat", ["input_1", "a_relu"], new JsonObject { ["axis"] = -1 })
            .Conv("b", "cat", 3, 1, kb, bb, padding: "valid")
            .Layer("Add", "sum", ["b", "input_1"], [])
            .Layer("UpSampling2D", "up", ["sum"], new JsonObject { ["size"] = new JsonArray(2, 2), ["interpolation"] = "nearest" })
            .Conv("out", "up", 3, 3, ko, bo);
        var onnx = model.Write(dir, "out");

        const int h = 5, w = 7;
        var x = Rand(h * w * 3); // NHWC
        var a = Nhwc.Relu(Nhwc.Conv(x, h, w, 3, ka, ba, 4, 3, same: true));
        var cat = Nhwc.Concat(x, 3, a, 4, h * w);
        var b = Nhwc.Conv(cat, h, w, 7, kb, bb, 3, 1, same: false);
        var sum = b.Zip(x, (p, q) => p + q).ToArray();
        var up = Nhwc.Upsample(sum, h, w, 3, 2);
        var expected = Nhwc.Conv(up, 2 * h, 2 * w, 3, ko, bo, 3, 3, same: true);

        var (actual, shape) = ModelRunner.Run(onnx, Nhwc.ToNchw(x, h, w, 3), [1, 3, h, w]);
        Assert.Equal([1L, 3, 2 * h, 2 * w], shape);
        AssertClose(Nhwc.ToNchw(expected, 2 * h, 2 * w, 3), actual);

        var info = ModelGraphInfo.Load(onnx);
        Assert.Equal(2, info.IntegerScale);
        Assert.Equal(ka.Length + ba.Length + kb.Length + bb.Length + ko.Length + bo.Length, info.Parameters);
        // conv a: 1 px at input resolution; conv b (1×1): 0; conv out: 1 px at ×2 = 0.5 input px.
        Assert.Equal(1.5, info.ReceptiveRadius);
        Assert.Equal("255", info.Metadata[ModelMetadataKeys.InputRange]);
        Assert.Equal("2", info.Metadata[ModelMetadataKeys.Scale]);
        Assert.Equal("2", info.Metadata[ModelMetadataKeys.ReceptiveRadius]);
    }

    [Fact]
    public void RrdnCustomLayersMatchReferenceComputation()
    {
        // input(3) → conv 3×3 (12) → ReLU layer → MultiplyBeta (×0.2) → PixelShuffle2x (depth-to-space, NHWC) → 3 channels at ×2.
        using var dir = new TempDir();
        var rng = new Random(11);
        float[] Rand(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        var (k, b) = (Rand(3 * 3 * 3 * 12), Rand(12));
        var model = new TinyModel(3)
            .Conv("pre", "input_1", 12, 3, k, b)
            .Layer("ReLU", "relu", ["pre"], new JsonObject { ["max_value"] = null, ["negative_slope"] = 0, ["threshold"] = 0 })
            .Layer("MultiplyBeta", "beta", ["relu"], new JsonObject { ["beta"] = 0.2 })
            .Layer("PixelShuffle2x", "shuffle", ["beta"], new JsonObject { ["scale"] = 2 });
        var onnx = model.Write(dir, "shuffle", range: 1);

        const int h = 4, w = 3;
        var x = Rand(h * w * 3);
        var conv = Nhwc.Relu(Nhwc.Conv(x, h, w, 3, k, b, 12, 3, same: true)).Select(v => v * 0.2f).ToArray();
        // tf.depthToSpace NHWC: out[h·2+i, w·2+j, c] = in[h, w, (i·2 + j)·C + c], C = 12/4 = 3.
        var expected = new float[4 * h * w * 3];
        for (var y = 0; y < h; y++)
            for (var xx = 0; xx < w; xx++)
                for (var i = 0; i < 2; i++)
                    for (var j = 0; j < 2; j++)
                        for (var c = 0; c < 3; c++)
                            expected[((y * 2 + i) * (2 * w) + xx * 2 + j) * 3 + c] = conv[(y * w + xx) * 12 + (i * 2 + j) * 3 + c];

        var (actual, shape) = ModelRunner.Run(onnx, Nhwc.ToNchw(x, h, w, 3), [1, 3, h, w]);
        Assert.Equal([1L, 3, 2 * h, 2 * w], shape);
        AssertClose(Nhwc.ToNchw(expected, 2 * h, 2 * w, 3), actual);
        Assert.Equal("1", ModelGraphInfo.Load(onnx).Metadata[ModelMetadataKeys.InputRange]);
    }

    [Fact]
    public void UnknownLayerIsRefusedByName()
    {
        using var dir = new TempDir();
        var model = new TinyModel(3).Layer("BatchNormalization", "bn_7", ["input_1"], []);
        var e = Assert.Throws<BurnishException>(() => model.Write(dir, "bn_7"));
        Assert.Contains("'bn_7'", e.Message);
        Assert.Contains("BatchNormalization", e.Message);
    }

    [Fact]
    public void StridedConvIsRefused()
    {
        using var dir = new TempDir();
        var model = new TinyModel(1).Conv("down", "input_1", 1, 3, new float[9], [0f], strides: 2);
        var e = Assert.Throws<BurnishException>(() => model.Write(dir, "down"));
        Assert.Contains("'down'", e.Message);
        Assert.Contains("stride", e.Message);
    }

    [Theory]
    [InlineData("float16", null, "dtype float16")]
    [InlineData("int32", null, "dtype int32")]
    [InlineData("float32", "uint8", "quantised")]
    public void NonFloat32WeightsAreRefused(string dtype, string? quantization, string expected)
    {
        using var dir = new TempDir();
        var model = new TinyModel(1).Conv("c", "input_1", 1, 1, [1f], [0f]);
        model.WeightDtype = dtype;
        model.Quantization = quantization;
        var e = Assert.Throws<BurnishException>(() => model.Write(dir, "c"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Theory]
    // Found by the fuzz smoke run (tfjs-layers): a weight without a name threw NullReferenceException, a layer name
    // used twice ArgumentException from the ONNX builder, a one-value kernel_size IndexOutOfRangeException.
    [InlineData("\"name\":\"c/bias\",", "", "a weight without a name")]
    [InlineData("\"kernel_size\":[3,3]", "\"kernel_size\":[3]", "'kernel_size' holds 1 values")]
    [InlineData("\"name\":\"r\",\"config\":{\"name\":\"r\"}", "\"name\":\"c\",\"config\":{\"name\":\"c\"}", "two layers named 'c'")]
    [InlineData("\"paths\":[\"group1-shard1of1.bin\"]", "\"paths\":[\"../group1-shard1of1.bin\"]", "is not a file beside it")]
    // Found by AFL (tfjs-layers, 2026-12-03): a JSON null where an array holds a number or a name threw
    // NullReferenceException, an "unexpected error".
    [InlineData("\"name\":\"c/bias\",\"shape\":[1]", "\"name\":\"c/bias\",\"shape\":[null]", "malformed model.json")]
    [InlineData("\"kernel_size\":[3,3]", "\"kernel_size\":[3,null]", "malformed model.json")]
    [InlineData("[\"input_1\",0,0,{}]", "[\"input_1\",null,0,{}]", "malformed model.json")]
    [InlineData("\"output_layers\":[[\"r\"", "\"output_layers\":[[null", "malformed model.json")]
    // Found by AFL (tfjs-layers, 2026-12-03): a layer named "" threw ArgumentException from the ONNX builder.
    [InlineData("\"name\":\"r\",\"config\":{\"name\":\"r\"}", "\"name\":\"\",\"config\":{\"name\":\"\"}", "a layer with an empty name")]
    public void MalformedModelsAreOneLineNamingTheFile(string find, string replace, string expected)
    {
        using var dir = new TempDir();
        var model = new TinyModel(1).Conv("c", "input_1", 1, 3, new float[9], [0f]).Layer("ReLU", "r", ["c"], []);
        model.Write(dir, "r");
        var json = File.ReadAllText(dir.File("model.json"));
        Assert.Contains(find, json);
        File.WriteAllText(dir.File("model.json"), json.Replace(find, replace));

        var e = Assert.Throws<BurnishException>(() => TfjsLayersConverter.Convert(dir.File("model.json"), new ConversionInfo(255)));

        Assert.StartsWith(dir.File("model.json"), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ALayerNamedLikeATensorTheConverterMakesIsOneLine()
    {
        // Found with the empty name above: layer names become ONNX tensor names beside the converter's own ("input",
        // "output", "NAME/kernel"), and a layer called "input" threw ArgumentException from the ONNX builder.
        using var dir = new TempDir();
        new TinyModel(1).Conv("c", "input_1", 1, 3, new float[9], [0f]).Layer("ReLU", "r", ["c"], []).Write(dir, "r");
        var json = File.ReadAllText(dir.File("model.json"));
        File.WriteAllText(dir.File("model.json"), json.Replace("\"c\"", "\"input\"").Replace("\"c/", "\"input/"));

        var e = Assert.Throws<BurnishException>(() => TfjsLayersConverter.Convert(dir.File("model.json"), new ConversionInfo(255)));

        Assert.StartsWith(dir.File("model.json"), e.Message);
        Assert.Contains("tensor name 'input' is already used", e.Message);
    }

    [Fact]
    public void TruncatedShardIsRefused()
    {
        using var dir = new TempDir();
        var model = new TinyModel(1).Conv("c", "input_1", 1, 3, new float[9], [0f]);
        model.TruncateShardBy = 4;
        var e = Assert.Throws<BurnishException>(() => model.Write(dir, "c"));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void GraphModelIsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("model.json"), """{"format": "graph-model", "modelTopology": {}, "weightsManifest": []}""");
        var e = Assert.Throws<BurnishException>(() => TfjsLayersConverter.Convert(dir.File("model.json"), new ConversionInfo(255)));
        Assert.Contains("graph-model", e.Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"sample {i}: expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>Writes a Keras-2-style functional model.json with one float32 shard, as tfjs-converter lays them out.</summary>
    private sealed class TinyModel
    {
        private readonly JsonArray layers = [];
        private readonly JsonArray weightSpecs = [];
        private readonly List<float> weights = [];

        public string WeightDtype { get; set; } = "float32";
        public string? Quantization { get; set; }
        public int TruncateShardBy { get; set; }

        public TinyModel(int channels)
        {
            layers.Add(new JsonObject
            {
                ["class_name"] = "InputLayer",
                ["name"] = "input_1",
                ["config"] = new JsonObject { ["batch_input_shape"] = new JsonArray(null, null, null, channels), ["dtype"] = "float32", ["name"] = "input_1" },
                ["inbound_nodes"] = new JsonArray(),
            });
        }

        public TinyModel Layer(string cls, string name, string[] inputs, JsonObject config)
        {
            config["name"] = name;
            var call = new JsonArray();
            foreach (var i in inputs) call.Add(new JsonArray(i, 0, 0, new JsonObject()));
            layers.Add(new JsonObject { ["class_name"] = cls, ["name"] = name, ["config"] = config, ["inbound_nodes"] = new JsonArray(call) });
            return this;
        }

        public TinyModel Conv(string name, string input, int filters, int k, float[] kernel, float[] bias, string padding = "same", int strides = 1)
        {
            Layer("Conv2D", name, [input], new JsonObject
            {
                ["filters"] = filters,
                ["kernel_size"] = new JsonArray(k, k),
                ["strides"] = new JsonArray(strides, strides),
                ["padding"] = padding,
                ["data_format"] = "channels_last",
                ["dilation_rate"] = new JsonArray(1, 1),
                ["groups"] = 1,
                ["activation"] = "linear",
                ["use_bias"] = true,
            });
            var cin = kernel.Length / (k * k * filters);
            AddWeight($"{name}/kernel", kernel, k, k, cin, filters);
            AddWeight($"{name}/bias", bias, filters);
            return this;
        }

        private void AddWeight(string name, float[] values, params int[] shape)
        {
            weightSpecs.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray([.. shape.Select(s => (JsonNode)s)]), ["dtype"] = "float32" });
            weights.AddRange(values);
        }

        public string Write(TempDir dir, string output, float range = 255)
        {
            foreach (var spec in weightSpecs.OfType<JsonObject>())
            {
                spec["dtype"] = WeightDtype;
                if (Quantization is not null) spec["quantization"] = new JsonObject { ["dtype"] = Quantization, ["scale"] = 0.1, ["min"] = 0 };
            }
            var json = new JsonObject
            {
                ["format"] = "layers-model",
                ["generatedBy"] = "keras v2.10.0",
                ["convertedBy"] = "Burnish test",
                ["modelTopology"] = new JsonObject
                {
                    ["keras_version"] = "2.10.0",
                    ["backend"] = "tensorflow",
                    ["model_config"] = new JsonObject
                    {
                        ["class_name"] = "Functional",
                        ["config"] = new JsonObject
                        {
                            ["name"] = "tiny",
                            ["layers"] = layers.DeepClone(),
                            ["input_layers"] = new JsonArray(new JsonArray("input_1", 0, 0)),
                            ["output_layers"] = new JsonArray(new JsonArray(output, 0, 0)),
                        },
                    },
                },
                ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("group1-shard1of1.bin"), ["weights"] = weightSpecs.DeepClone() }),
            };
            File.WriteAllText(dir.File("model.json"), json.ToJsonString());
            var bytes = weights.SelectMany(BitConverter.GetBytes).ToArray();
            File.WriteAllBytes(dir.File("group1-shard1of1.bin"), bytes[..(bytes.Length - TruncateShardBy)]);
            var onnx = dir.File("model.onnx");
            TfjsLayersConverter.ConvertToFile(dir.File("model.json"), new ConversionInfo(range, "tiny"), onnx);
            return onnx;
        }
    }

    /// <summary>Straightforward NHWC reference operations (Keras semantics), independent of the converter.</summary>
    private static class Nhwc
    {
        /// <summary>Conv2D with an HWIO kernel, stride 1; 'same' zero-pads (k−1)/2 on each side (k odd).</summary>
        public static float[] Conv(float[] x, int h, int w, int cin, float[] hwio, float[] bias, int cout, int k, bool same)
        {
            var pad = same ? (k - 1) / 2 : 0;
            var (oh, ow) = same ? (h, w) : (h - k + 1, w - k + 1);
            var y = new float[oh * ow * cout];
            for (var r = 0; r < oh; r++)
                for (var c = 0; c < ow; c++)
                    for (var o = 0; o < cout; o++)
                    {
                        double sum = bias[o];
                        for (var i = 0; i < k; i++)
                            for (var j = 0; j < k; j++)
                            {
                                var (yy, xx) = (r + i - pad, c + j - pad);
                                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                for (var ci = 0; ci < cin; ci++)
                                    sum += x[(yy * w + xx) * cin + ci] * hwio[((i * k + j) * cin + ci) * cout + o];
                            }
                        y[(r * ow + c) * cout + o] = (float)sum;
                    }
            return y;
        }

        public static float[] Relu(float[] x) => [.. x.Select(v => Math.Max(v, 0f))];

        public static float[] Concat(float[] a, int ca, float[] b, int cb, int pixels)
        {
            var y = new float[pixels * (ca + cb)];
            for (var p = 0; p < pixels; p++)
            {
                Array.Copy(a, p * ca, y, p * (ca + cb), ca);
                Array.Copy(b, p * cb, y, p * (ca + cb) + ca, cb);
            }
            return y;
        }

        public static float[] Upsample(float[] x, int h, int w, int c, int s)
        {
            var y = new float[h * s * w * s * c];
            for (var r = 0; r < h * s; r++)
                for (var q = 0; q < w * s; q++)
                    Array.Copy(x, ((r / s) * w + q / s) * c, y, (r * w * s + q) * c, c);
            return y;
        }

        public static float[] ToNchw(float[] x, int h, int w, int c)
        {
            var y = new float[x.Length];
            for (var p = 0; p < h * w; p++)
                for (var ch = 0; ch < c; ch++)
                    y[ch * h * w + p] = x[p * c + ch];
            return y;
        }
    }
}
