using Burnish.Models.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Burnish.Core.Tests.Models;

/// <summary>The ONNX writer: what it writes loads in ONNX Runtime and computes what the graph says.</summary>
public class OnnxGraphBuilderTests
{
    [Fact]
    public void OneConvModelMatchesANaiveConvolution()
    {
        // 2→3 channels, 3×3, pads 1, on a 4×5 input with dynamic height and width.
        const int cin = 2, cout = 3, h = 4, w = 5;
        var rng = new Random(3);
        var weights = Enumerable.Range(0, cout * cin * 9).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var bias = new[] { 0.1f, -0.2f, 0.3f };
        var input = Enumerable.Range(0, cin * h * w).Select(_ => (float)rng.NextDouble()).ToArray();

        var g = new OnnxGraphBuilder("conv");
        var x = g.Input("input", [1, cin, "height", "width"]);
        g.Node("Conv", [x, g.Initializer("w", weights, cout, cin, 3, 3), g.Initializer("b", bias, cout)], "output",
            OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1));
        g.Output("output", [1, cout, "height", "width"]);
        g.Metadata("burnish.test", "yes");
        using var dir = new TempDir();
        var path = dir.File("conv.onnx");
        g.Save(path);

        var (actual, shape) = ModelRunner.Run(path, input, [1, cin, h, w]);
        Assert.Equal([1L, cout, h, w], shape);
        for (var o = 0; o < cout; o++)
            for (var y = 0; y < h; y++)
                for (var xx = 0; xx < w; xx++)
                {
                    double sum = bias[o];
                    for (var i = 0; i < cin; i++)
                        for (var ky = 0; ky < 3; ky++)
                            for (var kx = 0; kx < 3; kx++)
                            {
                                var (sy, sx) = (y + ky - 1, xx + kx - 1);
                                if (sy >= 0 && sy < h && sx >= 0 && sx < w)
                                    sum += input[(i * h + sy) * w + sx] * weights[((o * cin + i) * 3 + ky) * 3 + kx];
                            }
                    // float32 accumulation of 18 products of values below 0.5: 1e-5 absolute is generous.
                    Assert.Equal(sum, actual[(o * h + y) * w + xx], 1e-5);
                }

        using var session = new InferenceSession(path);
        Assert.Equal("yes", session.ModelMetadata.CustomMetadataMap["burnish.test"]);
        Assert.Equal("burnish", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void DanglingInputIsRefusedAtBuild()
    {
        var g = new OnnxGraphBuilder();
        g.Input("input", [1, 3, 8, 8]);
        g.Node("Relu", ["nowhere"], "output");
        g.Output("output", [1, 3, 8, 8]);
        var e = Assert.Throws<InvalidOperationException>(() => g.Build());
        Assert.Contains("nowhere", e.Message);
    }

    [Fact]
    public void ReusedNameIsRefused()
    {
        var g = new OnnxGraphBuilder();
        g.Input("x", [1]);
        Assert.Throws<ArgumentException>(() => g.Initializer("x", [1f], 1));
    }
}
