using Burnish.Core.Tests.Detection;
using Burnish.Core.Tests.Models;
using Burnish.Detection;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Repair;
using NetVips;
using RepairStage = Burnish.Stages.Repair.Repair;

namespace Burnish.Core.Tests.Stages.Repair;

/// <summary>
/// <c>auto: subject</c> and <c>auto: background</c> in a repair pass and in cleanup's soften, on the Flux generation of
/// fixtures/subject (see its SOURCES.md): only the masked side changes, the region and the model (with both licences)
/// are recorded.
/// </summary>
[Collection("subject-detector")]
public class SubjectMaskStageTests(SubjectDetectorFixture subject)
{
    private static WorkImage Load() => ImageLoader.Load(Fixtures.PathOf("subject", "flux-girl-field.png"), LoadLimits.Default).Image;

    [Fact]
    public void AutoSubjectRepairsOnlyTheSubjectAndRecordsIt()
    {
        var image = Load();
        var pass = new RepairPass { Auto = AutoMask.Subject, Method = RepairMethod.Telea };
        using var plan = RepairPlan.Load([pass], subjectDetector: () => subject.Detector);
        var (result, report) = RepairStage.Apply(image, plan);
        var record = Assert.Single(report.Passes);
        Assert.Equal("auto subject", record.Source);
        var region = Assert.Single(record.Regions!);
        Assert.Equal("subject", region.Kind);
        var alpha = subject.Detector.Alpha(image);
        Assert.Equal(alpha.LongCount(a => a >= 128), region.Pixels);
        var before = RepairImages.Pixels(image);
        var after = RepairImages.Pixels(result);
        long changed = 0;
        for (var i = 0; i < alpha.Length; i++)
        {
            var same = Enumerable.Range(0, 3).All(c => before[i * 3 + c] == after[i * 3 + c]);
            if (alpha[i] == 0) Assert.True(same, $"pixel {i % image.Width},{i / image.Width}, off the subject, changed");
            else if (!same) changed++;
        }
        Assert.True(changed > region.Pixels / 2, $"only {changed} of {region.Pixels} subject pixels changed");
    }

    [Fact]
    public void AutoBackgroundGrowsLikeAnyOtherSource()
    {
        var image = Load();
        using var plan = RepairPlan.Load([new RepairPass { Auto = AutoMask.Background, Grow = 4, Method = RepairMethod.Telea }], subjectDetector: () => subject.Detector);
        var (_, report) = RepairStage.Apply(image, plan);
        var background = SubjectMasks.From(subject.Detector.Alpha(image), image.Width, image.Height, SubjectSide.Background);
        var plain = 100.0 * Assert.Single(background.Regions).Pixels / (image.Width * image.Height);
        // Grown by 4 px into the subject: more than the background alone, less than everything.
        Assert.InRange(report.Passes[0].MaskCoveragePercent, plain + 1, 99);
    }

    [Fact]
    public void CleanupSoftensTheBackgroundOnlyAndRecordsTheModelWithBothLicences()
    {
        var source = Load();
        var upscaled = source.WithPixels(source.Pixels.Resize(2, kernel: Enums.Kernel.Lanczos3));
        var plain = CleanupParams.Default with { Halo = 0, Colour = false };
        var soften = new SoftenRegion { Auto = SoftenMask.Background, Amount = 1, Radius = 4, Feather = 0 };
        using var resources = new StageResources(TestModels.Cache, LoadLimits.Default, Path.GetTempPath());
        StageOutcome Run(CleanupParams p)
        {
            using var prepared = new CleanupStage().Prepare(p, resources);
            return prepared.Apply(upscaled, new StageContext(source, SourceMetadata.Empty) { Reference = source });
        }
        var without = Fixtures.Pixels(Run(plain).Image.Pixels);
        var outcome = Run(plain with { Soften = [soften] });
        var with = Fixtures.Pixels(outcome.Image.Pixels);
        var model = Assert.Single(outcome.Models);
        Assert.Equal("isnet", model.Name);
        Assert.Contains("AGPL-3.0", model.Licence);
        Assert.Contains("MIT", model.Licence);
        var alpha = subject.Detector.Alpha(upscaled);
        var (w, h) = (upscaled.Width, upscaled.Height);
        // Far inside the subject (alpha 1, and 2r of the guided filter away from any background): nothing moves.
        using var solid = Image.NewFromMemoryCopy(alpha, w, h, 1, Enums.BandFormat.Uchar) < 255;
        var far = Fixtures.Pixels(solid.Cast(Enums.BandFormat.Float).Gaussblur(2 * soften.Radius) < 0.001);
        double background = 0;
        long backgroundPixels = 0;
        for (var i = 0; i < w * h; i++)
        {
            var diff = Enumerable.Range(0, 3).Max(c => Math.Abs(with[i * 3 + c] - without[i * 3 + c]));
            if (far[i] > 0) Assert.True(diff < 0.5 / 65535, $"pixel {i % w},{i / w}, inside the subject, changed by {diff}");
            if (alpha[i] == 0) { background += diff; backgroundPixels++; }
        }
        Assert.True(background / backgroundPixels > 1.0 / 255, $"the background moved by {background / backgroundPixels * 255:0.00} levels on average");
    }
}
