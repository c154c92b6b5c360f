using Burnish.Core.Tests.Models;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Imaging;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using NetVips;

namespace Burnish.Core.Tests.Stages.Cleanup;

/// <summary>
/// Soften regions on a photo with an embedded ICC profile whose tone curves are sampled (26 points): the profile's
/// Lab round trip clips overshoot and is off by a few 16-bit levels elsewhere, which once moved pixels far outside
/// the region (1.08 M of 1.55 M pixels, by up to 3,196 levels). The woman photo (fixtures/hands/SOURCES.md) doubled
/// with Lanczos stands in for the AI result; its source is the photo itself.
/// </summary>
public class SoftenProfiledTests
{
    private static (WorkImage Upscaled, WorkImage Source) Pair() => CleanupRun.Doubled(Fixtures.PathOf("hands", "woman.jpeg"));

    private static StageOutcome Run(CleanupParams p, WorkImage upscaled, WorkImage source) => CleanupRun.Apply(p, upscaled, source);

    // Half a 16-bit level: float rounding only, never enough to change the 16-bit master.
    private const double Still = 0.5 / 65535;

    /// <summary>The largest change per pixel, and how many pixels outside <paramref name="near"/> changed by more than <see cref="Still"/>.</summary>
    private static (double[] Diff, int Far) Compare(float[] a, float[] b, Func<int, int, bool> near, int w, int h)
    {
        var diff = new double[w * h];
        var far = 0;
        for (var i = 0; i < w * h; i++)
        {
            diff[i] = Enumerable.Range(0, 3).Max(c => Math.Abs(a[i * 3 + c] - b[i * 3 + c]));
            if (!near(i % w, i / w) && diff[i] >= Still) far++;
        }
        return (diff, far);
    }

    [Fact]
    public void ABoxRegionChangesNothingOutsideItsReach()
    {
        var (upscaled, source) = Pair();
        var (w, h) = (upscaled.Width, upscaled.Height);
        var soften = new SoftenRegion { Box = "300,400,200,200", Amount = 1, Radius = 4, Feather = 2 };
        var plain = CleanupParams.Default with { Halo = 0, Colour = false };
        var without = Fixtures.Pixels(Run(plain, upscaled, source).Image.Pixels);
        var with = Fixtures.Pixels(Run(plain with { Soften = [soften] }, upscaled, source).Image.Pixels);
        // Reach: the box, its feather (3σ) and the guided filter's 2r.
        var reach = 3 * soften.Feather + 2 * soften.Radius + 1;
        var (diff, far) = Compare(with, without, (x, y) => x >= 300 - reach && x < 500 + reach && y >= 400 - reach && y < 600 + reach, w, h);

        Assert.Equal(0, far);
        var inside = Enumerable.Range(400, 200).SelectMany(y => Enumerable.Range(300, 200).Select(x => diff[y * w + x])).Average();
        Assert.True(inside > 1.0 / 255, $"the box moved by {inside * 255:0.00} 8-bit levels on average");
    }

    [Fact]
    public void OvershootOutsideTheRegionSurvivesTheCleanup()
    {
        // Lanczos rings past 0 and 1 at the photo's hard edges; the profile's sampled curves cannot encode those, so a
        // plain round trip clipped them. The soften must keep them where it does not reach.
        var (upscaled, source) = Pair();
        var before = Fixtures.Pixels(upscaled.Colour);
        var soften = new SoftenRegion { Box = "0,0,16,16", Amount = 1 };
        var after = Fixtures.Pixels(Run(CleanupParams.Default with { Halo = 0, Colour = false, Soften = [soften] }, upscaled, source).Image.Pixels);

        var overshoot = Enumerable.Range(0, before.Length).Where(i => before[i] < -0.01f || before[i] > 1.01f).ToList();
        Assert.True(overshoot.Count > 100, $"only {overshoot.Count} overshooting samples; the fixture no longer tests this");
        Assert.All(overshoot.Where(i => i / 3 % upscaled.Width >= 64 || i / 3 / upscaled.Width >= 64),
            i => Assert.Equal(before[i], after[i], 6));
    }

    [Fact]
    public void HandsAreSoftenedAndRecordedAndNothingFarFromThemMoves()
    {
        var (upscaled, source) = Pair();
        var (w, h) = (upscaled.Width, upscaled.Height);
        var soften = new SoftenRegion { Auto = SoftenMask.Hands, Amount = 1, Radius = 4, Feather = 2 };
        var plain = CleanupParams.Default with { Halo = 0, Colour = false };
        var without = Fixtures.Pixels(Run(plain, upscaled, source).Image.Pixels);
        var outcome = Run(plain with { Soften = [soften] }, upscaled, source);
        var with = Fixtures.Pixels(outcome.Image.Pixels);

        var record = Assert.IsType<CleanupRecord>(outcome.Detail);
        var hands = record.Regions!.Where(r => r.Kind == "hand").ToList();
        Assert.NotEmpty(hands);
        // Reach of a change: each hand's recorded box (the grown outline), plus the feather (3σ) and the guided filter's 2r.
        var reach = 3 * soften.Feather + 2 * soften.Radius + 1;
        bool Near(int x, int y) => hands.Any(r => x >= r.Box[0] - reach && x < r.Box[0] + r.Box[2] + reach && y >= r.Box[1] - reach && y < r.Box[1] + r.Box[3] + reach);
        var (diff, far) = Compare(with, without, Near, w, h);

        Assert.Equal(0, far);
        Assert.True(diff.Max() > 1.0 / 255, "no hand pixel moved by an 8-bit level");
    }
}
