using Burnish.Models;
using Burnish.Models.Onnx;

namespace Burnish.Core.Tests.Models;

/// <summary>Graph analysis on graphs built here, where parameters, FLOPs, reach and scale are known by construction.</summary>
public class ModelGraphInfoTests
{
    private static readonly TensorDim[] Image = [1, 3, "height", "width"];

    /// <summary>A Conv with zero weights [cout, cin, k, k] (and bias), as the analysis sees only shapes.</summary>
    private static string Conv(OnnxGraphBuilder g, string x, int cin, int cout, int k, int stride = 1, int dilation = 1, bool bias = true)
    {
        var w = g.Initializer(g.Fresh("w"), new float[cout * cin * k * k], cout, cin, k, k);
        var inputs = bias ? new[] { x, w, g.Initializer(g.Fresh("b"), new float[cout], cout) } : new[] { x, w };
        var pad = dilation * (k - 1) / 2;
        return g.Node("Conv", inputs, null,
            OnnxAttribute.Ints("kernel_shape", k, k), OnnxAttribute.Ints("pads", pad, pad, pad, pad),
            OnnxAttribute.Ints("strides", stride, stride), OnnxAttribute.Ints("dilations", dilation, dilation));
    }

    private static string Resize(OnnxGraphBuilder g, string x, float s, string mode = "nearest") =>
        g.Node("Resize", [x, "", g.Initializer(g.Fresh("scales"), [1f, 1f, s, s], 4)], null,
            OnnxAttribute.String("mode", mode), OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));

    private static ModelGraphInfo Finish(OnnxGraphBuilder g, string last)
    {
        g.Node("Identity", [last], "output");
        g.Output("output", Image);
        return ModelGraphInfo.Analyse(g.Build());
    }

    [Fact]
    public void ChainWithUpsampling()
    {
        // conv 3×3 (3→8) → relu → conv 5×5 (8→8) → resize ×2 → conv 3×3 (8→3)
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        x = Conv(g, x, 3, 8, 3);
        x = g.Node("Relu", [x]);
        x = Conv(g, x, 8, 8, 5);
        x = Resize(g, x, 2);
        x = Conv(g, x, 8, 3, 3);
        var info = Finish(g, x);

        Assert.Equal((3 * 8 * 9 + 8) + (8 * 8 * 25 + 8) + (8 * 3 * 9 + 3), info.Parameters); // the Resize scales are not weights
        Assert.Equal(2.0, info.Scale);
        Assert.Equal(2, info.IntegerScale);
        Assert.Equal(1 + 2 + 0.5, info.ReceptiveRadius); // the last conv's 1 px is half an input pixel
        Assert.Equal(4, info.ReceptiveRadiusPixels);
        // The first two convs run at a quarter of the output's pixel count.
        Assert.Equal(2.0 * (8 * 3 * 9) / 4 + 2.0 * (8 * 8 * 25) / 4 + 2.0 * (3 * 8 * 9), info.FlopsPerOutputPixel!.Value, 9);
        Assert.Equal(3, info.Operators["Conv"]);
        Assert.Equal("input", Assert.Single(info.Inputs).Name);
        Assert.Equal(["1", "3", "height", "width"], info.Inputs[0].Shape.Select(d => d.ToString()));
    }

    [Fact]
    public void NodesListedAfterTheirReadersAreOrderedByTheirInputs()
    {
        // conv 3×3 → relu → conv 3×3, with the node list reversed: the analysis must follow the tensors, not the list.
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        x = Conv(g, x, 3, 4, 3);
        x = g.Node("Relu", [x]);
        x = Conv(g, x, 4, 3, 3);
        g.Node("Identity", [x], "output");
        g.Output("output", Image);
        var model = g.Build();
        var reversed = model.Graph.Node.Reverse().ToList();
        model.Graph.Node.Clear();
        model.Graph.Node.AddRange(reversed);

        var info = ModelGraphInfo.Analyse(model);

        Assert.Equal(2, info.ReceptiveRadiusPixels);
        Assert.Equal((3 * 4 * 9 + 4) + (4 * 3 * 9 + 3), info.Parameters);
    }

    [Fact]
    public void ACycleIsRefusedNamingItsNodes()
    {
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        var a = g.Node("Add", [x, x], "a");
        g.Node("Relu", [a], "r");
        g.Node("Identity", ["r"], "output");
        g.Output("output", Image);
        var model = g.Build();
        model.Graph.Node[0].Input[1] = "r"; // a = input + r, r = relu(a)

        var e = Assert.Throws<BurnishException>(() => ModelGraphInfo.Analyse(model));

        Assert.Contains("cycle", e.Message);
        Assert.Contains("Add", e.Message);
    }

    [Fact]
    public void LongestBranchSetsTheRadius()
    {
        // branch A: one 7×7 conv (3 px); branch B: two 3×3 convs (2 px); joined by Add.
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        var a = Conv(g, x, 3, 3, 7);
        var b = Conv(g, Conv(g, x, 3, 3, 3), 3, 3, 3);
        var info = Finish(g, g.Node("Add", [a, b]));
        Assert.Equal(3.0, info.ReceptiveRadius);
        Assert.Equal(1.0, info.Scale);
    }

    [Fact]
    public void DepthToSpaceAndDilation()
    {
        // conv 3×3 at ×1 (1 px) → DepthToSpace ×2 → conv 3×3 dilation 2 at ×2: 2 px there = 1 input px.
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        x = Conv(g, x, 3, 12, 3);
        x = g.Node("DepthToSpace", [x], null, OnnxAttribute.Int("blocksize", 2), OnnxAttribute.String("mode", "DCR"));
        x = Conv(g, x, 3, 3, 3, dilation: 2, bias: false);
        var info = Finish(g, x);
        Assert.Equal(2.0, info.Scale);
        Assert.Equal(2.0, info.ReceptiveRadius);
        Assert.Equal(3 * 12 * 9 + 12 + 3 * 3 * 9, info.Parameters);
    }

    [Fact]
    public void StridedConvAndConvTranspose()
    {
        // conv 3×3 stride 2 (3→16): ×0.5, reach 1 px; ConvTranspose 4×4 stride 2 (16→3): back to ×1, reach 1.5 px of its output.
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        x = Conv(g, x, 3, 16, 3, stride: 2);
        var wt = g.Initializer("wt", new float[16 * 3 * 4 * 4], 16, 3, 4, 4);
        x = g.Node("ConvTranspose", [x, wt], null, OnnxAttribute.Ints("kernel_shape", 4, 4), OnnxAttribute.Ints("strides", 2, 2),
            OnnxAttribute.Ints("pads", 1, 1, 1, 1));
        var info = Finish(g, x);
        Assert.Equal(1.0, info.Scale);
        Assert.Equal(1 + 1.5, info.ReceptiveRadius);
        // strided conv: 16·3·9 MACs per pixel at a quarter of the output's pixels; transposed: 16·3·16 MACs per input pixel over 4 output pixels.
        Assert.Equal(2.0 * (16 * 3 * 9) / 4 + 2.0 * (16 * 3 * 16) / 4, info.FlopsPerOutputPixel!.Value, 9);
    }

    [Fact]
    public void LinearResizeReachesOneInputPixel()
    {
        var g = new OnnxGraphBuilder();
        var info = Finish(g, Resize(g, g.Input("input", Image), 4, "linear"));
        Assert.Equal(4.0, info.Scale);
        Assert.Equal(1.0, info.ReceptiveRadius);
        Assert.Equal(0.0, info.FlopsPerOutputPixel);
    }

    [Fact]
    public void ResizeToARunTimeSizeLeavesScaleUnknown()
    {
        // sizes computed from the input's shape: the resolution after it cannot be known from the graph.
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", Image);
        var shape = g.Node("Shape", [x]);
        var sized = g.Node("Mul", [shape, g.Initializer("two", [1L, 1, 2, 2], 4)]);
        x = g.Node("Resize", [x, "", "", sized], null, OnnxAttribute.String("mode", "nearest"));
        x = Conv(g, x, 3, 3, 3);
        var info = Finish(g, x);
        Assert.Null(info.Scale);
        Assert.Null(info.IntegerScale);
        Assert.Null(info.ReceptiveRadius);
        Assert.Null(info.FlopsPerOutputPixel);
        Assert.Equal(3 * 3 * 9 + 3, info.Parameters); // the int64 multiplier is not a weight
    }

    [Fact]
    public void ScalarConstantsAreNotParameters()
    {
        var g = new OnnxGraphBuilder();
        var x = Conv(g, g.Input("input", Image), 3, 3, 1);
        var info = Finish(g, g.Node("Mul", [x, g.Initializer("beta", [0.2f])]));
        Assert.Equal(3 * 3 + 3, info.Parameters);
    }

    [Fact]
    public void NotAnOnnxFileIsAClearError()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("fake.onnx"), "this is not a protobuf message at all, just text");
        var e = Assert.Throws<BurnishException>(() => ModelGraphInfo.Load(dir.File("fake.onnx")));
        Assert.Contains("fake.onnx", e.Message);
        Assert.Contains("not an ONNX model", e.Message);
    }
}
