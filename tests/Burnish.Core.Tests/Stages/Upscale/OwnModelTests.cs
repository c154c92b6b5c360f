using Burnish.Imaging;
using Burnish.Models.Onnx;
using Burnish.Stages.Upscale;
using NetVips;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

/// <summary>Models brought by the user: scale found by probing, range and layout from a sidecar, clear refusals.</summary>
[Collection("models")]
public class OwnModelTests(ModelsFixture models)
{
    private static readonly long[] ScaleBy2 = [1, 1, 2, 2];

    // Nearest ×2 in NCHW (or NHWC, wrapped in transposes), scaled by `gain` so the value range matters.
    private static string Nearest2(TempDir dir, string name, bool channelsLast, float gain = 1)
    {
        var g = new OnnxGraphBuilder();
        var x = g.Input("image", channelsLast ? [1, "h", "w", 3] : [1, 3, "h", "w"]);
        if (channelsLast) x = g.Node("Transpose", [x], null, OnnxAttribute.Ints("perm", 0, 3, 1, 2));
        var scales = g.Initializer("scales", [1f, 1f, 2f, 2f], 4);
        var y = g.Node("Resize", [x, "", scales], null, OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.String("nearest_mode", "floor"));
        y = g.Node("Mul", [y, g.Initializer("gain", [gain], 1)]);
        if (channelsLast) y = g.Node("Transpose", [y], null, OnnxAttribute.Ints("perm", 0, 2, 3, 1));
        g.Node("Identity", [y], "result");
        g.Output("result", channelsLast ? [1, "H", "W", 3] : [1, 3, "H", "W"]);
        var path = dir.File(name + ".onnx");
        g.Save(path);
        return path;
    }

    private static WorkImage Small() =>
        new(Image.Xyz(40, 30).Cast(Enums.BandFormat.Float).Bandjoin(Image.Black(40, 30).Cast(Enums.BandFormat.Float) + 0.25)
            .Linear([1 / 40.0, 1 / 30.0, 1], [0, 0, 0]).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);

    [Fact]
    public void The_scale_is_probed_and_the_result_is_the_models_own()
    {
        using var dir = new TempDir();
        var path = Nearest2(dir, "nearest", channelsLast: false);
        var input = Small();
        var result = models.Upscale(input, new UpscaleParams { Model = path });
        var expected = input.Pixels.Zoom(2, 2).WriteToMemory<float>();
        Assert.Equal((80, 60), (result.Width, result.Height));
        Assert.True(SeamTests.MaxDiff(expected, SeamTests.Floats(result)) < 1e-6);
        Assert.Equal(2, models.Engine.Get(path, 2).Scale);
        Assert.Equal(0, models.Engine.Get(path, 2).ReceptiveRadius);
    }

    [Fact]
    public void Images_that_share_a_model_run_it_at_once_each_with_its_own_buffers()
    {
        using var dir = new TempDir();
        var model = models.Engine.Get(Nearest2(dir, "shared", channelsLast: false, gain: 2), 0);

        // Eight callers at once, on two tile shapes, each with its own values: a buffer shared between two runs, or
        // one replaced for the other shape mid-run, would give a caller another's pixels.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var (h, w) = k % 2 == 0 ? (16, 24) : (20, 12);
            for (var round = 0; round < 25; round++)
            {
                var planar = Enumerable.Range(0, 3 * h * w).Select(i => (k * 1000 + round * 10 + i % 7) / 1e4f).ToArray();
                var output = new float[3 * h * w * 4];
                model.Run(planar, h, w, output);
                for (var c = 0; c < 3; c++)
                    for (var y = 0; y < 2 * h; y++)
                        for (var x = 0; x < 2 * w; x++)
                            Assert.Equal(2 * planar[c * h * w + y / 2 * w + x / 2], output[c * 4 * h * w + y * 2 * w + x]);
            }
        });
    }

    [Fact]
    public void A_sidecar_gives_range_layout_and_channel_order()
    {
        using var dir = new TempDir();
        var path = Nearest2(dir, "nhwc255", channelsLast: true);
        File.WriteAllText(Path.ChangeExtension(path, ".json"), """{"input_range": 255, "layout": "nhwc", "channels": "bgr"}""");
        var input = Small();
        var result = models.Upscale(input, new UpscaleParams { Model = path });
        Assert.True(SeamTests.MaxDiff(input.Pixels.Zoom(2, 2).WriteToMemory<float>(), SeamTests.Floats(result)) < 1e-5);
    }

    [Fact]
    public void A_channels_last_model_without_a_sidecar_is_refused_with_a_hint()
    {
        using var dir = new TempDir();
        var path = Nearest2(dir, "nhwc", channelsLast: true);
        var e = Assert.Throws<BurnishException>(() => models.Engine.Get(path, 0));
        Assert.Contains("not an image-to-image upscaler", e.Message);
        Assert.Contains("\"layout\": \"nhwc\"", e.Message);
    }

    [Fact]
    public void A_classifier_is_not_an_upscaler()
    {
        using var dir = new TempDir();
        var g = new OnnxGraphBuilder();
        var x = g.Input("image", [1, 3, "h", "w"]);
        g.Node("GlobalAveragePool", [x], "pooled");
        g.Output("pooled", [1, 3, 1, 1]);
        var path = dir.File("classifier.onnx");
        g.Save(path);
        var e = Assert.Throws<BurnishException>(() => models.Engine.Get(path, 0));
        Assert.Contains("not an image-to-image upscaler", e.Message);
    }

    [Fact]
    public void An_inpainting_model_with_two_inputs_is_refused()
    {
        using var dir = new TempDir();
        var g = new OnnxGraphBuilder();
        var image = g.Input("image", [1, 3, 512, 512]);
        var mask = g.Input("mask", [1, 1, 512, 512]);
        g.Node("Mul", [image, mask], "output");
        g.Output("output", [1, 3, 512, 512]);
        var path = dir.File("lama-like.onnx");
        g.Save(path);
        var e = Assert.Throws<BurnishException>(() => models.Engine.Get(path, 0));
        Assert.Contains("not an image-to-image model", e.Message);
        Assert.Contains("mask", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_a_clear_error()
    {
        using var dir = new TempDir();
        var path = dir.File("broken.onnx");
        File.WriteAllText(path, "not a model");
        var e = Assert.Throws<BurnishException>(() => models.Engine.Get(path, 0));
        Assert.Contains("cannot load", e.Message);
        Assert.Throws<BurnishException>(() => models.Engine.Get(dir.File("missing.onnx"), 0));
    }

    [Fact]
    public void Unknown_bundled_names_get_a_suggestion()
    {
        var e = Assert.Throws<BurnishException>(() => models.Engine.Scales("esrgan-medum"));
        Assert.Contains("did you mean 'esrgan-medium'", e.Message);
        Assert.Throws<BurnishException>(() => models.Engine.Scales("esrgan-slim-x5"));
    }

    [Fact]
    public void Cancelling_stops_mid_image()
    {
        using var cancel = new CancellationTokenSource();
        var input = ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image;
        var done = 0;
        var progress = new Burnish.Pipeline.SyncProgress<TileProgress>(p => { done = p.Done; if (p.Done == 2) cancel.Cancel(); });
        using var upscaled = Burnish.Stages.Upscale.Upscale.Apply(input, new UpscaleParams { Model = "esrgan-slim-x2", Tile = TileSize.Of(64) }, models.Engine, progress, cancel.Token);
        Assert.ThrowsAny<OperationCanceledException>(() => upscaled.Materialise());
        Assert.Equal(2, done);
    }
}
