using Burnish.Stages.Repair.TextMask;
using NetVips;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Repair.TextMask;

/// <summary>
/// The Gemini sparkle on real Gemini outputs (fixtures/textmask: bottom-right 384 px crops, see SOURCES.md). The mark is
/// not text: PP-OCRv4 alone is measured and reported, and the known-watermark matcher must cover it.
/// </summary>
[Collection("text-detector")]
public class WatermarkMaskTests(TextDetectorFixture fixture, ITestOutputHelper output)
{
    private readonly TextDetector detector = fixture.Detector;

    [Fact]
    public void RedHoodMarkIsCovered()
    {
        // Ground truth from the before/after pair: where the marked crop differs from the tool's unmarked output by
        // more than 6/255 (the pair's own noise is below that: PSNR 38.9 dB, ≈ 3/255 rms). The mark sits 64 px from
        // the corner at 96 px, so that is where the differences must be.
        var marked = TextDetectorTests.Load("red-hood-corner.png");
        var unmarked = TextDetectorTests.Load("red-hood-corner-unmarked.png");
        var difference = Fixtures.Pixels((marked.Pixels - unmarked.Pixels).Abs().Bandmean());
        var markPixels = Enumerable.Range(0, difference.Length).Where(i => difference[i] > 6 / 255f).ToArray();
        Assert.True(markPixels.Length > 2000, $"only {markPixels.Length} pixels differ: the fixture pair is not the marked/unmarked pair");
        // WebP noise aside (a handful of isolated pixels), the differences lie in and around the mark's 96² box.
        var inBox = markPixels.Count(i => i % 384 is >= 214 and <= 330 && i / 384 is >= 214 and <= 330);
        Assert.True(inBox >= 0.995 * markPixels.Length, $"{markPixels.Length - inBox} differing pixels lie away from the mark");

        var (covered, masked) = Measure(marked, markPixels);
        Assert.True(covered >= 0.99, $"only {covered:P2} of the mark's pixels are masked");
        // The mask is the mark plus its dilation: within 2× the mark's 96² box.
        Assert.InRange(masked, 0.3 * 96 * 96, 2.0 * 96 * 96);
        var region = Assert.Single(detector.Detect(marked, TextMaskParams.Default), r => r.Kind == RegionKind.Watermark);
        Assert.Equal((224 - 0.5, 224 - 0.5), (region.Points[0].X, region.Points[0].Y));
    }

    [Fact]
    public void DeskPhotoMarkIsCovered()
    {
        // A 1200×896 output: the 48 px mark 32 px from the corner, so its top-left is at (304, 304) in the crop. Ground
        // truth: the captured shape's pixels there with alpha above 10 %.
        var marked = TextDetectorTests.Load("gemini-desk-corner.png");
        var shape = Image.NewFromFile(Path.Combine(RepoFile("src/Burnish.Core/Stages/Repair/TextMask/Marks/gemini-48.png")));
        var alpha = Fixtures.Pixels(shape.ExtractBand(0));
        var markPixels = Enumerable.Range(0, alpha.Length).Where(i => alpha[i] > 0.1f * 255).Select(i => (304 + i / 48) * 384 + 304 + i % 48).ToArray();

        var (covered, masked) = Measure(marked, markPixels);
        Assert.True(covered >= 0.99, $"only {covered:P2} of the mark's pixels are masked");
        Assert.InRange(masked, 0.3 * 48 * 48, 2.5 * 48 * 48);
    }

    [Fact]
    public void ToolCleanedCornerIsNotTakenForTheMark()
    {
        // The remover's output keeps a faint trace of the mark (the pair differs by < 1 level outside it, ≈ 1–3 inside):
        // too faint to be worth repairing, and below the default threshold.
        var unmarked = TextDetectorTests.Load("red-hood-corner-unmarked.png");
        var regions = detector.Detect(unmarked, TextMaskParams.Default);
        output.WriteLine(string.Join("; ", regions.Select(r => $"{r.Kind} {r.Score:F3}")));
        Assert.DoesNotContain(regions, r => r.Kind == RegionKind.Watermark);
    }

    // Fraction of the mark's pixels the default mask covers, and the mask's area; PP-OCRv4 alone is reported.
    private (double Covered, long Masked) Measure(Burnish.Imaging.WorkImage image, int[] markPixels)
    {
        var textOnly = Fixtures.Pixels(detector.Mask(image, TextMaskParams.Default with { Watermarks = false }));
        var mask = Fixtures.Pixels(detector.Mask(image, TextMaskParams.Default));
        var coveredByText = markPixels.Count(i => textOnly[i] >= 0.5f) / (double)markPixels.Length;
        var covered = markPixels.Count(i => mask[i] >= 0.5f) / (double)markPixels.Length;
        var masked = mask.LongCount(v => v >= 0.5f);
        output.WriteLine($"mark pixels {markPixels.Length}: PP-OCRv4 alone covers {coveredByText:P1}, with the watermark matcher {covered:P2}; mask {masked} px; "
            + string.Join("; ", detector.Detect(image, TextMaskParams.Default).Select(r => $"{r.Kind} {r.Score:F3} at ({r.Points[0].X}, {r.Points[0].Y})")));
        return (covered, masked);
    }

    private static string RepoFile(string relative) =>
        Path.Combine(Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("tests run outside the repository"), relative);
}

/// <summary>The correlation search on constructed images, where the answer is known exactly.</summary>
public class KnownWatermarkSearchTests
{
    [Fact]
    public void BestMatchIsTheTopLeftWhereTheShapeWasPlaced()
    {
        var rng = new Random(5);
        var template = new float[20 * 20];
        for (var i = 0; i < template.Length; i++) template[i] = (float)rng.NextDouble();
        var window = new float[80 * 60];
        for (var i = 0; i < window.Length; i++) window[i] = (float)rng.NextDouble() * 0.2f;
        // Placed at (47, 13), scaled and offset as an alpha blend would: 0.3 + 0.5 × shape.
        for (var y = 0; y < 20; y++)
            for (var x = 0; x < 20; x++)
                window[(13 + y) * 80 + 47 + x] = 0.3f + 0.5f * template[y * 20 + x];
        using var t = Image.NewFromMemoryCopy(template, 20, 20, 1, Enums.BandFormat.Float);
        using var w = Image.NewFromMemoryCopy(window, 80, 60, 1, Enums.BandFormat.Float);
        var best = KnownWatermarks.Best(w, t);
        Assert.NotNull(best);
        Assert.Equal((47, 13), (best.Value.X, best.Value.Y));
        // A linear function of the shape correlates perfectly (float rounding only).
        Assert.Equal(1.0, best.Value.Score, 1e-4);
    }

    [Fact]
    public void ShapeAtTheVeryCornerIsFound()
    {
        var template = new float[16 * 16];
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
                template[y * 16 + x] = MathF.Max(0, 1 - (MathF.Abs(x - 7.5f) + MathF.Abs(y - 7.5f)) / 8);
        var window = new float[40 * 40];
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
                window[(24 + y) * 40 + 24 + x] = template[y * 16 + x];
        using var t = Image.NewFromMemoryCopy(template, 16, 16, 1, Enums.BandFormat.Float);
        using var w = Image.NewFromMemoryCopy(window, 40, 40, 1, Enums.BandFormat.Float);
        Assert.Equal((24, 24), (KnownWatermarks.Best(w, t)!.Value.X, KnownWatermarks.Best(w, t)!.Value.Y));
    }
}
