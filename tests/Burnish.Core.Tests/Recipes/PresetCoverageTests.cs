using Burnish.Recipes;
using Burnish.Stages.Export;
using Burnish.Stages.Upscale;
using Xunit;

namespace Burnish.Core.Tests.Recipes;

/// <summary>
/// No shipped preset enlarges a copy from a smaller master: each upscales to <c>cover: copies</c>, and the size that
/// stands for is the smallest from which no copy is enlarged. Checked here on the geometry, for the common generation
/// sizes and aspects; the end-to-end run of every preset is in the CLI tests (PresetFinishTests).
/// </summary>
public class PresetCoverageTests
{
    public static TheoryData<string, int, int> PresetsAndSizes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var preset in RecipePresets.Names)
            foreach (var (w, h) in new[] { (512, 512), (1024, 1024), (256, 192), (1024, 768), (832, 1216), (1344, 768), (4096, 4096) })
                data.Add(preset, w, h);
        return data;
    }

    [Theory]
    [MemberData(nameof(PresetsAndSizes))]
    public void Every_preset_upscales_to_the_smallest_master_that_enlarges_no_copy(string preset, int w, int h)
    {
        var recipe = RecipePresets.Load(preset);
        Assert.Equal(CoverTarget.Copies, recipe.Upscale?.Target?.Cover);
        var copies = recipe.Export.Copies;
        var (mw, mh) = Export.MasterCovering(copies, w, h);
        Assert.True(mw >= w && mh >= h);
        // ≤ 1.0001: the export stage's own threshold for its enlargement warning (rounding to whole pixels).
        foreach (var copy in copies)
            Assert.True(Export.Enlargement(Destinations.Resolve(copy), mw, mh) <= 1.0001, $"{preset}: {Destinations.Resolve(copy).Id} is enlarged from {mw}×{mh}");
        // Smallest: two pixels less on the long edge enlarges some copy (one may be rounding), unless nothing needed enlarging.
        if ((mw, mh) != (w, h))
        {
            var (sw, sh) = w >= h ? (mw - 2, (int)Math.Round((mw - 2) * (double)h / w)) : ((int)Math.Round((mh - 2) * (double)w / h), mh - 2);
            Assert.Contains(copies, c => Export.Enlargement(Destinations.Resolve(c), sw, sh) > 1.0001);
        }
    }

    [Theory]
    [InlineData("web-and-print", 512, 512, 2480, 2480)]    // A4 at 300 ppi, padded: the short side of the sheet
    [InlineData("web-and-print", 256, 192, 3307, 2481)]    // the sheet turns for a landscape image
    [InlineData("print-master", 1024, 1024, 3508, 3508)]   // A3 at 300 ppi: 3508 × 4961, square image
    [InlineData("print-master", 832, 1216, 3395, 4961)]    // a portrait generation fills A3's long edge (832 × 4961/1216 = 3394.4, rounded up)
    [InlineData("web-only", 1024, 1024, 2048, 2048)]       // web-2048
    [InlineData("web-only", 4096, 4096, 4096, 4096)]       // already covers every copy: no upscale
    public void The_cover_sizes_are_the_documented_print_and_web_sizes(string preset, int w, int h, int mw, int mh)
    {
        Assert.Equal((mw, mh), Export.MasterCovering(RecipePresets.Load(preset).Export.Copies, w, h));
    }
}
