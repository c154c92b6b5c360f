using Burnish.Imaging;
using Burnish.Stages.Upscale;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Upscale.Ncnn;

/// <summary>
/// Tiling must be invisible for the imported ncnn models too: the upscale stage's tiled output equals its whole-image
/// output within 1/255 (one 8-bit level), as <see cref="SeamTests"/> demands of the UpscalerJS models. Real-CUGAN's
/// squeeze-and-excitation blocks average over the whole image; <see cref="GlobalPoolTiling"/> feeds every tile the
/// whole image's averages. Without it the same tiles were 31/255 (×2) and 50/255 (×4, denoise 3) off.
/// </summary>
[Collection("models")]
public class NcnnTilingTests(ModelsFixture models, ITestOutputHelper output)
{
    private const float OneLevel = 1f / 255;

    private static WorkImage Real() => ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image;

    /// <summary>
    /// The RRDBNets reach 94 px (anime) and 349 px (x4plus) in theory, but a cut changes nothing beyond 0.05/255 past
    /// their measured radii (56 and 88 px, bench/ncnn/receptive-field.cs), so their tiles are butted with that margin
    /// and a smaller tile is raised to the smallest that holds it. Strips of a real generation keep the whole-image run
    /// affordable on two cores; the cuts run across them at the margin's full distance.
    /// </summary>
    [Theory]
    [InlineData("realesrgan-x4plus-anime-x4", 160, 48)]
    [InlineData("realesrgan-x4plus-x4", 256, 32)]
    public void Rrdb_tiles_with_the_measured_radius_equal_the_whole_image(string model, int width, int height)
    {
        var real = Real();
        var input = new WorkImage(real.Pixels.Crop(0, 96, width, height), real.Profile);
        var p = new UpscaleParams { Model = model, Tile = TileSize.Of(96) };
        var plan = Burnish.Stages.Upscale.Upscale.Plan(width, height, models.Engine.Get(model, 4), p);
        Assert.True(plan.Exact && plan.Columns.Count >= 2, $"the test needs an exact plan with cuts: {plan.Columns.Count} columns, feather {plan.Feather}");
        var whole = SeamTests.Floats(models.Upscale(input, p with { Tile = TileSize.Of(1024) }));
        var tiled = SeamTests.Floats(models.Upscale(input, p));
        var worst = SeamTests.MaxDiff(whole, tiled);
        output.WriteLine($"{model} on {width}×{height}, tile {plan.Columns[0].Window} ({plan.Columns.Count} columns, margin {plan.Margin}): max |tiled − whole| {worst * 255:F4}/255");
        Assert.True(worst <= OneLevel, $"max difference {worst * 255:F3}/255");
    }

    /// <summary>
    /// A size that is no multiple of Real-CUGAN's alignment (2 or 4): the image is reflect-padded to one before tiling.
    /// </summary>
    [Theory]
    [InlineData("realcugan-x2", 80)]
    [InlineData("realcugan-none-x3", 100)]
    public void Tiled_equals_whole_on_an_unaligned_size(string model, int tile)
    {
        var real = Real();
        var input = new WorkImage(real.Pixels.Crop(3, 5, 203, 149), real.Profile);
        var whole = SeamTests.Floats(models.Upscale(input, new UpscaleParams { Model = model, Tile = TileSize.Of(1024) }));
        var tiled = SeamTests.Floats(models.Upscale(input, new UpscaleParams { Model = model, Tile = TileSize.Of(tile) }));
        var worst = SeamTests.MaxDiff(whole, tiled);
        output.WriteLine($"{model} on 203×149, tile {tile}: max |tiled − whole| {worst * 255:F4}/255");
        Assert.True(worst <= OneLevel, $"max difference {worst * 255:F3}/255");
    }

    /// <summary>
    /// The stage's Real-CUGAN path (statistics passes, alignment, framing) reproduces realcugan-ncnn-vulkan -g -1 on the
    /// golden crop: the same bar as <see cref="Burnish.Core.Tests.Models.Ncnn.NcnnEquivalenceTests"/> (mean ≤ 0.5/255,
    /// p99.9 ≤ 3/255; the golden is 8-bit), over the 64² golden window.
    /// </summary>
    [Fact]
    public void The_stage_matches_realcugan_ncnn_vulkan()
    {
        var input = ImageLoader.Load(Fixtures.PathOf("ncnn", "anime_face_128.png"), LoadLimits.Default).Image;
        var result = models.Upscale(input, new UpscaleParams { Model = "realcugan-x2", Tile = TileSize.Of(64) });
        var values = SeamTests.Floats(result);
        var golden = Burnish.Core.Tests.Models.ModelRunner.Load255(Fixtures.PathOf("ncnn", "realcugan-x2-conservative_anime_face_128.png"));
        var at = (result.Width - golden.Width) / 2;
        var diffs = new List<double>();
        for (var y = 0; y < golden.Height; y++)
            for (var x = 0; x < golden.Width; x++)
                for (var c = 0; c < 3; c++)
                    diffs.Add(Math.Abs(values[((at + y) * result.Width + at + x) * 3 + c] * 255 - golden.At(x, y, c)));
        diffs.Sort();
        var mean = diffs.Average();
        var p999 = diffs[(int)Math.Ceiling(0.999 * diffs.Count) - 1];
        output.WriteLine($"stage, tile 64, against realcugan-ncnn-vulkan: mean {mean:0.0000}, p99.9 {p999:0.0000}, max {diffs[^1]:0.0000} levels");
        Assert.InRange(mean, 0, 0.5);
        Assert.InRange(p999, 0, 3.0);
    }

    public static TheoryData<string, int[]> Cases => new()
    {
        { "realesr-animevideov3-x2", [64, 96, 144] },
        { "realesr-general-x4v3-x4", [96, 144] },
        { "realcugan-x2", [96, 144] },
        { "realcugan-denoise3-x4", [96, 144] },
        { "realcugan-none-x3", [100] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiled_output_equals_whole_image_output(string model, int[] tiles)
    {
        var input = Real();
        var whole = SeamTests.Floats(models.Upscale(input, new UpscaleParams { Model = model, Tile = TileSize.Of(1024) }));
        foreach (var tile in tiles)
        {
            var tiled = SeamTests.Floats(models.Upscale(input, new UpscaleParams { Model = model, Tile = TileSize.Of(tile) }));
            Assert.Equal(whole.Length, tiled.Length);
            var worst = SeamTests.MaxDiff(whole, tiled);
            output.WriteLine($"{model}, tile {tile}: max |tiled − whole| {worst * 255:F4}/255");
            Assert.True(worst <= OneLevel, $"{model}, tile {tile}: max difference {worst * 255:F3}/255");
        }
    }
}
