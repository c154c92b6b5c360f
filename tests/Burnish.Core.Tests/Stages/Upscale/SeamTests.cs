using Burnish.Imaging;
using Burnish.Stages.Upscale;
using NetVips;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

/// <summary>
/// Tiling must be invisible: tiled output equals the whole-image output. Tolerance 1/255, one 8-bit level; where the
/// margin covers the receptive field the two differ only by float summation order (about 1e-6).
/// </summary>
[Collection("models")]
public class SeamTests(ModelsFixture models)
{
    private const float OneLevel = 1f / 255;

    private static WorkImage Real() => ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image;

    // Three tile sizes per model: small enough for many cuts, large enough that thick's giant receptive field still
    // leaves a core (thick gets the feathered cross-fade, the others the exact margin).
    public static TheoryData<string, int, int[]> Cases => new()
    {
        { "esrgan-slim", 2, [64, 96, 144] },
        { "esrgan-slim", 4, [64, 96, 144] },
        { "esrgan-medium", 2, [80, 112, 160] },
        { "esrgan-medium", 4, [80, 112, 160] },
        { "default-model", 2, [64, 96, 144] }, // the package has ×2 only
        { "esrgan-thick", 2, [96, 128, 176] },
        { "esrgan-thick", 4, [96, 128, 176] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiled_output_equals_whole_image_output(string model, int scale, int[] tiles)
    {
        var input = Real();
        var whole = Floats(models.Upscale(input, new UpscaleParams { Model = $"{model}-x{scale}", Tile = TileSize.Of(1024) }));
        foreach (var tile in tiles)
        {
            var tiled = Floats(models.Upscale(input, new UpscaleParams { Model = $"{model}-x{scale}", Tile = TileSize.Of(tile) }));
            Assert.Equal(whole.Length, tiled.Length);
            var worst = MaxDiff(whole, tiled);
            Assert.True(worst <= OneLevel, $"{model} ×{scale}, tile {tile}: max difference {worst * 255:F3}/255");
        }
    }

    [Theory]
    [InlineData("esrgan-slim", 4)]
    [InlineData("esrgan-medium", 2)]
    public void A_flat_gradient_shows_no_step_at_tile_borders(string model, int scale)
    {
        // Smooth ramps are where a seam shows first: any tile-dependent offset is a visible line.
        const int N = 256, Tile = 80;
        var ramp = Image.Xyz(N, N);
        var x = ramp[0] / (double)N;
        var y = ramp[1] / (double)N;
        var gradient = new WorkImage((0.2 + 0.6 * x).Bandjoin(0.3 + 0.4 * y, 0.5 + 0.3 * (x - y)).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);
        var p = new UpscaleParams { Model = $"{model}-x{scale}", Tile = TileSize.Of(Tile) };
        var tiled = models.Upscale(gradient, p);
        var whole = models.Upscale(gradient, p with { Tile = TileSize.Of(1024) });
        var plan = Burnish.Stages.Upscale.Upscale.Plan(N, N, models.Engine.Get(p.Model, scale), p);
        Assert.True(plan.Columns.Count >= 3, "the test needs several cuts");
        float[] t = Floats(tiled), w = Floats(whole);
        var width = tiled.Width;
        var worst = 0f;
        // Every output column within two pixels of a cut, over the full height.
        foreach (var cut in plan.Columns.Skip(1).Select(c => c.CoreStart * scale))
            for (var ox = cut - 2; ox < cut + 2; ox++)
                for (var oy = 0; oy < tiled.Height; oy++)
                    for (var b = 0; b < 3; b++)
                    {
                        var i = (oy * width + ox) * 3 + b;
                        worst = Math.Max(worst, Math.Abs(t[i] - w[i]));
                    }
        Assert.True(worst <= OneLevel, $"max difference along tile borders {worst * 255:F3}/255");
    }

    internal static float[] Floats(WorkImage image) => image.Pixels.Cast(Enums.BandFormat.Float).WriteToMemory<float>();

    internal static float MaxDiff(float[] a, float[] b)
    {
        var worst = 0f;
        for (var i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
