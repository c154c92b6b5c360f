namespace Burnish.Stages.Upscale;

/// <summary>
/// One tile along an axis, in input pixels: the window the model sees and the core whose output is kept.
/// Output within <see cref="Feather"/> of an inner core edge is blended with the neighbour's.
/// </summary>
public readonly record struct TileSpan(int WindowStart, int WindowEnd, int CoreStart, int CoreEnd, int Feather)
{
    public int Window => WindowEnd - WindowStart;
}

/// <summary>
/// How an image is cut into tiles. Every window has the same size (edge tiles slide inward rather than shrink), so the
/// model sees one tensor shape. When the margin covers the receptive field, each core's output equals the whole-image
/// output exactly and cores are butted; when it cannot (a huge receptive field or a small tile), neighbouring outputs
/// are cross-faded over a feather band, half the margin, either side of the cut.
/// </summary>
public sealed record TilePlan(int Width, int Height, int Margin, int Feather, IReadOnlyList<TileSpan> Columns, IReadOnlyList<TileSpan> Rows)
{
    /// <summary>Smallest core worth running a window for: below it the overlap costs more than it saves.</summary>
    public const int MinCore = 16;

    public int Count => Columns.Count * Rows.Count;

    /// <summary>True when tiling cannot change a pixel: the margin covers the receptive field.</summary>
    public bool Exact => Feather == 0;

    public static TilePlan Make(int width, int height, int tile, int receptiveRadius)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tile, MinCore);
        // The full receptive field as margin while it leaves at least a quarter of the tile as core; beyond that the
        // margin stays at a quarter tile and the cut is feathered, rather than spend nearly all the work on overlap.
        var margin = tile - 2 * receptiveRadius >= Math.Max(MinCore, tile / 4) ? receptiveRadius : tile / 4;
        // An image that fits one window needs no margin at all.
        // The feather stays within a quarter core, so no more than two tiles ever overlap along an axis.
        var feather = margin < receptiveRadius && (width > tile || height > tile) ? Math.Max(1, Math.Min(margin / 2, (tile - 2 * margin) / 4 - 1)) : 0;
        return new TilePlan(width, height, margin, feather, Axis(width, tile, margin, feather), Axis(height, tile, margin, feather));
    }

    /// <summary>
    /// Tiles of <paramref name="tile"/> px that overlap by <paramref name="margin"/> px either side of each cut and are
    /// cross-faded over a feather of half that (within a quarter core), for a redraw whose output no margin makes
    /// exact (a diffusion tile). An image that fits one tile is one window, with no cut.
    /// </summary>
    public static TilePlan Overlapping(int width, int height, int tile, int margin)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tile - 2 * margin, MinCore, nameof(margin));
        var feather = margin == 0 ? 0 : Math.Max(1, Math.Min(margin / 2, (tile - 2 * margin) / 4 - 1));
        return new TilePlan(width, height, margin, feather, Axis(width, tile, margin, width > tile ? feather : 0), Axis(height, tile, margin, height > tile ? feather : 0));
    }

    /// <summary>
    /// The smallest tile whose plan is exact for <paramref name="receptiveRadius"/>: the full radius as margin and a core
    /// of at least <see cref="MinCore"/> and a quarter of the tile (the rule of <see cref="Make"/>).
    /// </summary>
    public static int ExactTile(int receptiveRadius)
    {
        var tile = 2 * receptiveRadius + MinCore;
        while (tile - 2 * receptiveRadius < tile / 4) tile++;
        return tile;
    }

    /// <summary>
    /// The same tiles with windows no larger than their cores need: the largest core plus the margin either side, per
    /// axis (still one tensor shape). A 512 px image in 320 px tiles with 18 px margins computes 292² windows instead
    /// of 320², a sixth less work for the same output. Only for exact plans: a feathered plan needs its overlap.
    /// </summary>
    public TilePlan Tightened() => Exact ? this with { Columns = Tighten(Columns, Width, Margin), Rows = Tighten(Rows, Height, Margin) } : this;

    private static IReadOnlyList<TileSpan> Tighten(IReadOnlyList<TileSpan> spans, int length, int margin)
    {
        if (spans.Count == 1) return spans;
        var window = spans.Max(s => s.CoreEnd - s.CoreStart) + 2 * margin;
        if (window >= spans[0].Window) return spans;
        return [.. spans.Select(s =>
        {
            var start = Math.Clamp(s.CoreStart - margin, 0, length - window);
            return s with { WindowStart = start, WindowEnd = start + window };
        })];
    }

    private static List<TileSpan> Axis(int length, int tile, int margin, int feather)
    {
        if (length <= tile) return [new TileSpan(0, length, 0, length, 0)];
        var core = tile - 2 * margin;
        var n = (length + core - 1) / core;
        var spans = new List<TileSpan>(n);
        for (var k = 0; k < n; k++)
        {
            int start = (int)((long)k * length / n), end = (int)((long)(k + 1) * length / n);
            var window = Math.Clamp(start - margin, 0, length - tile);
            spans.Add(new TileSpan(window, window + tile, start, end, feather));
        }
        return spans;
    }

    /// <summary>
    /// The weight of a tile's output at input coordinate <paramref name="x"/> (pixel centre x + 0.5) along one axis:
    /// 1 inside the core, ramping linearly to 0 across the feather band either side of an inner cut, so
    /// neighbouring weights sum to 1.
    /// </summary>
    public static double Weight(TileSpan span, double x, int length)
    {
        if (span.Feather == 0) return x >= span.CoreStart && x < span.CoreEnd ? 1 : 0;
        double f = span.Feather;
        var left = span.CoreStart == 0 ? 1 : Math.Clamp((x - (span.CoreStart - f)) / (2 * f), 0, 1);
        var right = span.CoreEnd == length ? 1 : Math.Clamp((span.CoreEnd + f - x) / (2 * f), 0, 1);
        return Math.Min(left, right);
    }

    /// <summary>The input range a tile's output contributes to: its core, widened by the feather at inner cuts.</summary>
    public static (int Start, int End) Kept(TileSpan span, int length) =>
        (span.CoreStart == 0 ? 0 : span.CoreStart - span.Feather, span.CoreEnd == length ? length : span.CoreEnd + span.Feather);
}
