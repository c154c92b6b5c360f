using Burnish.Core.Tests.Models;
using Burnish.Core.Tests.Stages.Upscale;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Upscale;
using NetVips;
using Xunit;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Cleanup;

/// <summary>
/// <c>cleanup.detail_faces</c> through the stage, on a real AI generation (an SD 1.5 portrait,
/// fixtures/faces/SOURCES.md) really upscaled (esrgan-slim ×4): inside each face's oval the detail is what detail_faces asks,
/// outside the oval and its feather the result is the run without detail_faces, to the bit.
/// </summary>
[Collection("models")]
public class FaceDetailTests(ModelsFixture models, ITestOutputHelper output)
{
    private static readonly WorkImage Source = ImageLoader.Load(Fixtures.PathOf("faces", "comfyui-woman-256.png"), LoadLimits.Default).Image;

    private WorkImage Upscaled() => models.Upscale(Source, new UpscaleParams { Model = "esrgan-slim-x4" });

    // The stage finds its faces with its own detector from the test model cache, as a run does.
    private static StageOutcome Run(CleanupParams p, WorkImage upscaled, WorkImage source)
    {
        using var resources = new StageResources(TestModels.Cache, LoadLimits.Default, Path.GetTempPath());
        using var prepared = new CleanupStage().Prepare(p, resources);
        var outcome = prepared.Apply(upscaled, new StageContext(source, SourceMetadata.Empty) { Reference = source });
        // The stage streams its bands; the report (warnings included) is settled from the stream, as the pipeline takes it.
        return outcome.Stream is { } stream ? outcome with { Report = stream.Report } : outcome;
    }

    /// <summary>Each pixel's face weight, as the stage makes it from the faces it records.</summary>
    private static float[] Weights(WorkImage image, double feather)
    {
        using var detector = FaceDetector.FromCache(TestModels.Cache);
        var faces = detector.Detect(image, FaceMaskParams.Default);
        var all = new float[image.Width * image.Height];
        foreach (var f in FaceDetail.Weights(faces, image.Width, image.Height, feather))
            for (var y = 0; y < f.Height; y++)
                for (var x = 0; x < f.Width; x++)
                {
                    var i = (f.Y + y) * image.Width + f.X + x;
                    all[i] = Math.Max(all[i], f.Weight[y * f.Width + x]);
                }
        return all;
    }

    private static float MaxDiff(float[] a, float[] b, int i) => Enumerable.Range(0, 3).Max(c => Math.Abs(a[i * 3 + c] - b[i * 3 + c]));

    [Fact]
    public void FacesKeepTheirDetailAndTheRestIsTheRunWithout()
    {
        var upscaled = Upscaled();
        var plain = CleanupParams.Default with { Halo = 0, Colour = false, Detail = 0.3 };
        var rest = Fixtures.Pixels(Run(plain, upscaled, Source).Image.Pixels);
        var outcome = Run(plain with { DetailFaces = 1 }, upscaled, Source);
        var faced = Fixtures.Pixels(outcome.Image.Pixels);
        var ai = Fixtures.Pixels(upscaled.Pixels);
        var weight = Weights(upscaled, plain.DetailFacesFeather);
        long inside = 0, outside = 0;
        double calmed = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            if (weight[i] == 0)
            {
                // Outside every oval and its feather: the run without detail_faces, to the bit.
                Assert.True(MaxDiff(faced, rest, i) == 0, $"pixel {i % upscaled.Width},{i / upscaled.Width} outside the faces changed by {MaxDiff(faced, rest, i)}");
                outside++;
            }
            else if (weight[i] >= 0.999f)
            {
                // Inside: the AI result itself (detail 1), but for the Lab round trip (float; below 1e-4, a 16-bit level is 1.5e-5… measured 2e-6).
                Assert.True(MaxDiff(faced, ai, i) < 1e-4, $"pixel {i % upscaled.Width},{i / upscaled.Width} inside a face is {MaxDiff(faced, ai, i)} from the AI result");
                calmed += MaxDiff(rest, ai, i);
                inside++;
            }
        }
        Assert.True(inside > 10_000 && outside > inside, $"{inside} px inside faces, {outside} outside");
        // …where detail 0.3 alone moves the face by more than two 8-bit levels on average: the test can tell them apart.
        Assert.True(calmed / inside > 2.0 / 255, $"detail 0.3 moved the face by {calmed / inside * 255:0.00} levels on average");
        var record = Assert.IsType<CleanupRecord>(outcome.Detail);
        var face = Assert.Single(record.Faces);
        Assert.Equal("face", face.Kind);
        Assert.True(face.Pixels > 10_000 && face.Score >= 0.75, $"{face.Pixels} px, score {face.Score}");
    }

    [Fact]
    public void CalmerFacesMatchTheWholeImageAtThatDetail()
    {
        // detail 1 elsewhere (the AI result), detail_faces 0.4: the face's pyramid is built on a crop around it; inside
        // the oval it must match the whole image's pyramid at 0.4.
        var upscaled = Upscaled();
        var plain = CleanupParams.Default with { Halo = 0, Colour = false };
        var faced = Fixtures.Pixels(Run(plain with { DetailFaces = 0.4 }, upscaled, Source).Image.Pixels);
        var whole = Fixtures.Pixels(Run(plain with { Detail = 0.4 }, upscaled, Source).Image.Pixels);
        var ai = Fixtures.Pixels(upscaled.Pixels);
        var weight = Weights(upscaled, plain.DetailFacesFeather);
        double worst = 0, moved = 0;
        long inside = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            if (weight[i] == 0) Assert.True(MaxDiff(faced, ai, i) < 1e-4, $"pixel {i % upscaled.Width},{i / upscaled.Width} outside the faces moved");
            if (weight[i] < 0.999f) continue;
            worst = Math.Max(worst, MaxDiff(faced, whole, i));
            moved += MaxDiff(whole, ai, i);
            inside++;
        }
        output.WriteLine($"{inside} px inside; worst {worst * 255:0.0000}/255 from the whole image at 0.4, which moved them {moved / inside * 255:0.00}/255 on average");
        // The crop's pyramid (aligned to the coarsest level, eight of its pixels of margin) matches the whole image's
        // but for float rounding and the coarse levels' reach past the margin: 0.05 of an 8-bit level at most (measured
        // 0.0097; 0.83 before the crop was aligned), against two levels of change.
        Assert.True(worst < 0.05 / 255, $"inside the face the crop's pyramid is {worst * 255:0.000} levels from the whole image's");
        Assert.True(moved / inside > 2.0 / 255, $"detail 0.4 moved the face by {moved / inside * 255:0.00} levels on average");
    }

    [Fact]
    public void NoFaceIsAWarningAndChangesNothing()
    {
        var source = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var upscaled = source.WithPixels(source.Pixels.Resize(2, kernel: Enums.Kernel.Lanczos3));
        var plain = CleanupParams.Default with { Detail = 0.5 };
        var outcome = Run(plain with { DetailFaces = 1 }, upscaled, source);
        Assert.Contains("cleanup.detail_faces: no face found; the whole image takes detail", outcome.Report.Warnings);
        Assert.Equal(Fixtures.Pixels(Run(plain, upscaled, source).Image.Pixels), Fixtures.Pixels(outcome.Image.Pixels));
        Assert.Empty(Assert.IsType<CleanupRecord>(outcome.Detail).Faces);
    }

    [Fact]
    public void TheSameStrengthOnFacesIsNoFacePass()
    {
        Assert.False(FaceDetail.Applies(CleanupParams.Default with { Detail = 0.6, DetailFaces = 0.6 }));
        Assert.False(FaceDetail.Applies(CleanupParams.Default));
        Assert.True(FaceDetail.Applies(CleanupParams.Default with { DetailFaces = 0.6 }));
        Assert.False(Burnish.Stages.Cleanup.Cleanup.IsIdentity(CleanupParams.Off with { DetailFaces = 0.6 }));
    }
}

/// <summary>A face inside a face twice as wide is a feature of it taken for a face, and is dropped.</summary>
public class NestedFaceTests
{
    private static DetectedFace Face(double x, double y, double size, double score) =>
        new(new Box(x, y, size, size), score, [.. Enumerable.Repeat(new Point2(x + size / 2, y + size / 2), 6)]);

    [Fact]
    public void AnEyeTakenForAFaceIsDropped()
    {
        // The flux girl upscaled ×4: a 740 px face at 0.908 and her eyes as 89 and 98 px "faces" (0.799, 0.75).
        var face = Face(138, 148, 740, 0.908);
        var eyes = new[] { Face(653, 360, 89, 0.799), Face(292, 351, 98, 0.75) };
        Assert.Equal([face], FaceFeather.WithoutNested([face, .. eyes]));
    }

    [Fact]
    public void NeighboursAndSimilarSizesStay()
    {
        // Two faces side by side, and a child's face half inside a parent's box that is not twice as wide.
        var a = Face(0, 0, 100, 0.9);
        var b = Face(120, 0, 100, 0.9);
        var child = Face(60, 40, 60, 0.8);
        var small = Face(90, 90, 40, 0.8); // at least twice as small, but only a quarter inside a
        Assert.Equal(4, FaceFeather.WithoutNested([a, b, child, small]).Count);
    }
}
