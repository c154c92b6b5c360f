using Burnish.Imaging;
using Burnish.Stages.Upscale;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Upscale.Ncnn;

/// <summary>
/// Tiling must be invisible for the imported ncnn models too: the upscale stage's tiled output equals its whole-image
/// output within 1/255 (one 8-bit level), as <see cref="SeamTests"/> demands of the UpscalerJS models.
/// </summary>
[Collection("models")]
public class NcnnTilingTests(ModelsFixture models, ITestOutputHelper output)
{
    private const float OneLevel = 1f / 255;

    private static WorkImage Real() => ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image;

    public static TheoryData<string, int[]> Cases => new()
    {
        { "realesr-animevideov3-x2", [64, 96, 144] },
        { "realesr-general-x4v3-x4", [96, 144] },
        { "realcugan-x2", [96, 144] },
        { "realcugan-denoise3-x4", [96, 144] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiled_output_equals_whole_image_output(string model, int[] tiles)
    {
        var input = Real();
        var whole = SeamTests.Floats(models.Upscale(input, new UpscaleParams { Model = model, Tile = "1024" }));
        foreach (var tile in tiles)
        {
            var tiled = SeamTests.Floats(models.Upscale(input, new UpscaleParams { Model = model, Tile = tile.ToString() }));
            Assert.Equal(whole.Length, tiled.Length);
            var worst = SeamTests.MaxDiff(whole, tiled);
            output.WriteLine($"{model}, tile {tile}: max |tiled − whole| {worst * 255:F4}/255");
            Assert.True(worst <= OneLevel, $"{model}, tile {tile}: max difference {worst * 255:F3}/255");
        }
    }
}
