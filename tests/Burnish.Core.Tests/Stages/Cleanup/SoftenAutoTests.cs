using Burnish.Core.Tests.Detection;
using Burnish.Core.Tests.Models;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using NetVips;

namespace Burnish.Core.Tests.Stages.Cleanup;

/// <summary>
/// <c>cleanup: {soften: [{auto: skin}]}</c> through the stage, as the pipeline runs it: the skin mask is found on the
/// upscaled image, and only the face changes. The astronaut photo (fixtures/faces/SOURCES.md) doubled with Lanczos
/// stands in for the AI result; its source is the photo itself.
/// </summary>
[Collection("face-detector")]
public class SoftenAutoTests(FaceDetectorFixture faces)
{
    private static (WorkImage Upscaled, WorkImage Source) Pair() => CleanupRun.Doubled(Fixtures.PathOf("faces", "astronaut.jpg"));

    private static StageOutcome Run(CleanupParams p, WorkImage upscaled, WorkImage source) => CleanupRun.Apply(p, upscaled, source);

    [Fact]
    public void SkinIsSoftenedAndNothingFarFromTheFaceMoves()
    {
        var (upscaled, source) = Pair();
        var soften = new SoftenRegion { Auto = SoftenMask.Skin, Amount = 1, Radius = 4, Feather = 2 };
        var plain = CleanupParams.Default with { Halo = 0, Colour = false };
        var without = Fixtures.Pixels(Run(plain, upscaled, source).Image.Pixels);
        var outcome = Run(plain with { Soften = [soften] }, upscaled, source);
        var with = Fixtures.Pixels(outcome.Image.Pixels);
        var (w, h) = (upscaled.Width, upscaled.Height);
        var found = faces.Detector.Detect(upscaled, FaceMaskParams.Default);
        Assert.Single(found);
        // Reach of a change: the face oval, plus the feather (3σ) and the guided filter's 2r.
        var near = Fixtures.Pixels(FaceMasks.Rasterise(found, w, h, FacePart.Face).Gaussblur(3 * soften.Feather + 2 * soften.Radius) > 0.001);
        var skin = Fixtures.Pixels(FaceMasks.Rasterise(found, w, h, FacePart.Skin));
        double inSkin = 0;
        long skinPixels = 0;
        for (var i = 0; i < w * h; i++)
        {
            var diff = Enumerable.Range(0, 3).Max(c => Math.Abs(with[i * 3 + c] - without[i * 3 + c]));
            // Below half a 16-bit level (0.5/65535): float rounding in the two runs' Lab round trips (up to 2e-6 seen),
            // never enough to change the 16-bit master.
            if (near[i] == 0) Assert.True(diff < 0.5 / 65535, $"pixel {i % w},{i / w}, far from the face, changed by {diff}");
            if (skin[i] > 0.5f) { inSkin += diff; skinPixels++; }
        }
        // The softened skin moves by more than a level on average (8-bit: 1/255).
        Assert.True(inSkin / skinPixels > 1.0 / 255, $"skin moved by {inSkin / skinPixels * 255:0.00} levels on average");
        Assert.True(outcome.Report.Measurements["softened_percent"] > 0);
    }

    [Fact]
    public void NoFaceIsAWarning()
    {
        var source = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var upscaled = source.WithPixels(source.Pixels.Resize(2, kernel: Enums.Kernel.Lanczos3));
        var outcome = Run(CleanupParams.Default with { Soften = [new SoftenRegion { Auto = SoftenMask.Skin }] }, upscaled, source);
        Assert.Contains("cleanup.soften[0]: no face found; nothing softened there", outcome.Report.Warnings);
    }

    [Fact]
    public void AnAutoRegionTakesNoMaskOrBox()
    {
        Assert.Contains(new SoftenRegion { Auto = SoftenMask.Skin, Box = "0,0,4,4" }.Problems(), p => p.Message == "give one of mask, box or auto");
        Assert.Empty(new SoftenRegion { Auto = SoftenMask.Face }.Problems());
    }
}
