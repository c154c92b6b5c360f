using Burnish.Imaging;
namespace Burnish.Stages.Outpaint;

/// <summary>The axis an outpaint grows along: horizontal adds columns (left/right), vertical adds rows (top/bottom).</summary>
public enum GrowthAxis { Horizontal, Vertical }

/// <summary>
/// One step: the canvas before it, and how many pixels it adds before (left or top) and after (right or bottom) the
/// current canvas along <see cref="Axis"/>.
/// </summary>
public sealed record OutpaintStep(int Number, GrowthAxis Axis, int WidthBefore, int HeightBefore, int Before, int After)
{
    /// <summary>Pixels added along the axis, both sides together.</summary>
    public int Growth => Before + After;

    /// <summary>The canvas's size along the axis before the step.</summary>
    public int SizeBefore => Axis == GrowthAxis.Horizontal ? WidthBefore : HeightBefore;

    public int WidthAfter => Axis == GrowthAxis.Horizontal ? WidthBefore + Growth : WidthBefore;
    public int HeightAfter => Axis == GrowthAxis.Vertical ? HeightBefore + Growth : HeightBefore;
}

/// <summary>
/// The geometry of an outpaint, with no pixels: the final canvas for the ratio (grown, never cropped), where the
/// original sits on it, and the steps that get there. A pure function of sizes, so it is tested on its own.
/// </summary>
public sealed record OutpaintPlan(int Width, int Height, int CanvasWidth, int CanvasHeight, GrowthAxis Axis, int OriginX, int OriginY,
    IReadOnlyList<OutpaintStep> Steps)
{
    /// <summary>True when the image already has the ratio: nothing is added.</summary>
    public bool IsIdentity => Steps.Count == 0;

    /// <summary>
    /// Plans <paramref name="width"/>×<paramref name="height"/> → <paramref name="target"/>. The number of steps is the
    /// fewest in which each adds at most <paramref name="step"/> × the current size (at least one pixel); the steps then
    /// share the growth by equal ratios, so no step is a sliver. Each step splits its growth between the two sides in
    /// proportion to what each side still needs, so both sides reach the anchor's split together.
    /// </summary>
    public static OutpaintPlan For(int width, int height, AspectRatio target, OutpaintAnchor anchor, double step)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be greater than 0");
        var (canvasWidth, canvasHeight) = target.Canvas(width, height);
        var axis = canvasWidth > width ? GrowthAxis.Horizontal : GrowthAxis.Vertical;
        var (from, to) = axis == GrowthAxis.Horizontal ? (width, canvasWidth) : (height, canvasHeight);
        var total = to - from;
        var before = BeforeShare(anchor, axis, total);
        var (originX, originY) = axis == GrowthAxis.Horizontal ? (before, 0) : (0, before);

        var steps = new List<OutpaintStep>();
        int remainingBefore = before, remainingAfter = total - before, w = width, h = height;
        var sizes = Sizes(from, to, step);
        for (var k = 1; k < sizes.Count; k++)
        {
            var growth = sizes[k] - sizes[k - 1];
            var remaining = remainingBefore + remainingAfter;
            var b = (int)Math.Round((double)growth * remainingBefore / remaining, MidpointRounding.AwayFromZero);
            b = Math.Clamp(b, Math.Max(0, growth - remainingAfter), Math.Min(growth, remainingBefore));
            var s = new OutpaintStep(k, axis, w, h, b, growth - b);
            steps.Add(s);
            remainingBefore -= s.Before;
            remainingAfter -= s.After;
            (w, h) = (s.WidthAfter, s.HeightAfter);
        }
        return new OutpaintPlan(width, height, canvasWidth, canvasHeight, axis, originX, originY, steps);
    }

    /// <summary>The most a step may add to a canvas of <paramref name="size"/> along the axis.</summary>
    public static int MaxGrowth(int size, double step) => Math.Max(1, (int)Math.Floor(step * size));

    // Pixels the anchor puts before (left of / above) the original.
    private static int BeforeShare(OutpaintAnchor anchor, GrowthAxis axis, int total)
    {
        var name = anchor.ToString();
        bool atStart, atEnd;
        if (axis == GrowthAxis.Horizontal)
            (atStart, atEnd) = (name.EndsWith("Left", StringComparison.Ordinal), name.EndsWith("Right", StringComparison.Ordinal));
        else
            (atStart, atEnd) = (name.StartsWith("Top", StringComparison.Ordinal), name.StartsWith("Bottom", StringComparison.Ordinal));
        // The original at the start (left/top) means all the growth goes after it, and the other way round.
        return atStart ? 0 : atEnd ? total : total / 2;
    }

    // Canvas sizes along the axis, from → to: the fewest steps, then equal ratios between them.
    private static List<int> Sizes(int from, int to, double step)
    {
        if (to <= from) return [from];
        var count = 0;
        for (long s = from; s < to; count++) s += MaxGrowth((int)Math.Min(s, int.MaxValue), step);
        var ratio = Math.Pow((double)to / from, 1.0 / count);
        var sizes = new List<int> { from };
        for (var k = 1; k < count; k++) sizes.Add((int)Math.Round(from * Math.Pow(ratio, k), MidpointRounding.AwayFromZero));
        sizes.Add(to);
        var even = true;
        for (var k = 1; k < sizes.Count; k++)
        {
            var growth = sizes[k] - sizes[k - 1];
            if (growth <= 0 || growth > MaxGrowth(sizes[k - 1], step)) even = false;
        }
        if (even) return sizes;
        // Rounding pushed a step past the limit: take the largest allowed steps instead (the same count).
        sizes = [from];
        while (sizes[^1] < to) sizes.Add(Math.Min(to, sizes[^1] + MaxGrowth(sizes[^1], step)));
        return sizes;
    }
}
