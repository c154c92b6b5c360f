using NetVips;

namespace Burnish.Report;

/// <summary>A rectangle in one version's pixels.</summary>
public readonly record struct PixelRect(int Left, int Top, int Width, int Height)
{
    public bool Overlaps(PixelRect other) =>
        Left < other.Left + other.Width && other.Left < Left + Width && Top < other.Top + other.Height && other.Top < Top + Height;

    /// <summary>
    /// The same region in a version of size <paramref name="toWidth"/>×<paramref name="toHeight"/> with the same framing
    /// as the <paramref name="fromWidth"/>×<paramref name="fromHeight"/> version this rectangle is in. Edges are rounded
    /// separately (not the size), so neighbouring regions stay neighbours.
    /// </summary>
    public PixelRect Scale(int fromWidth, int fromHeight, int toWidth, int toHeight)
    {
        double sx = (double)toWidth / fromWidth, sy = (double)toHeight / fromHeight;
        var left = Math.Clamp((int)Math.Round(Left * sx), 0, toWidth - 1);
        var top = Math.Clamp((int)Math.Round(Top * sy), 0, toHeight - 1);
        var right = Math.Clamp((int)Math.Round((Left + Width) * sx), left + 1, toWidth);
        var bottom = Math.Clamp((int)Math.Round((Top + Height) * sy), top + 1, toHeight);
        return new PixelRect(left, top, right - left, bottom - top);
    }
}

/// <summary>One chosen crop: where it is in the frame version, and how much fine detail it holds.</summary>
/// <param name="Number">1-based, best first.</param>
/// <param name="Region">In the frame version's pixels.</param>
/// <param name="Detail">Mean square of luminance minus its local mean (σ = <see cref="CropPlanner.LocalSigma"/> px), on 0–255 sRGB-encoded luma.</param>
public sealed record DetailCrop(int Number, PixelRect Region, double Detail);

/// <summary>
/// Chooses where to "zoom in and look": the squares with the most fine detail, none overlapping. Detail is the local
/// variance of luminance, (Y − gauss(Y))², so texture and edges score and smooth gradients do not. Candidates sit on a
/// grid of half the crop size, which lets a crop land between two grid cells; the best are taken greedily.
/// </summary>
public static class CropPlanner
{
    /// <summary>Gaussian sigma, in pixels, of the local mean that the local variance is taken around.</summary>
    public const double LocalSigma = 2.0;

    /// <summary>Up to <paramref name="count"/> squares of side <paramref name="size"/> (at most half the shorter side) in <paramref name="colour"/>'s pixels.</summary>
    /// <param name="colour">sRGB-encoded colour bands (grey or RGB), float 0–1.</param>
    /// <param name="count">How many crops at most.</param>
    /// <param name="size">Side of a crop in pixels; made even, and no larger than half the image's shorter side.</param>
    /// <param name="cancel">Checked before the detail map is read.</param>
    public static IReadOnlyList<DetailCrop> Plan(Image colour, int count, int size, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        // At most half the shorter side, so that even a small image offers several places to look.
        var cell = Math.Min(size, Math.Min(colour.Width, colour.Height) / 2) / 2;
        if (count == 0 || cell < 4) return [];
        int across = colour.Width / cell, down = colour.Height / cell;
        var y = Luma(colour) * 255.0;
        var highPass = y - y.Gaussblur(LocalSigma, precision: Enums.Precision.Float);
        // Block means of the squared high-pass: shrink by an integer factor is an exact box average.
        var blocks = (highPass * highPass).ExtractArea(0, 0, across * cell, down * cell).Shrink(cell, cell).Cast(Enums.BandFormat.Float);
        cancel.ThrowIfCancellationRequested();
        var means = blocks.WriteToMemory<float>();
        return [.. Pick(means, across, down, count).Select((w, i) =>
            new DetailCrop(i + 1, new PixelRect(w.X * cell, w.Y * cell, 2 * cell, 2 * cell), w.Score))];
    }

    /// <summary>
    /// Greedy choice over 2×2-block windows of a <paramref name="across"/>×<paramref name="down"/> grid of block means
    /// (row-major), none overlapping. At each step the best window that keeps a crop's width of space from every
    /// chosen one is taken if it scores at least half the best merely non-overlapping one: crops then spread over the
    /// picture instead of crowding its single busiest area, without settling for empty ones. Returned best first;
    /// ties go to the window nearer the top, then the left, so the choice is repeatable.
    /// </summary>
    public static IReadOnlyList<(int X, int Y, double Score)> Pick(float[] means, int across, int down, int count)
    {
        if (means.Length != across * down) throw new ArgumentException($"expected {across}×{down} block means, got {means.Length}", nameof(means));
        var windows = new List<(int X, int Y, double Score)>();
        for (var by = 0; by + 1 < down; by++)
            for (var bx = 0; bx + 1 < across; bx++)
            {
                var i = by * across + bx;
                windows.Add((bx, by, ((double)means[i] + means[i + 1] + means[i + across] + means[i + across + 1]) / 4));
            }
        var ranked = windows.OrderByDescending(w => w.Score).ThenBy(w => w.Y).ThenBy(w => w.X).ToList();
        var chosen = new List<(int X, int Y, double Score)>();
        // Windows overlap when they are less than 2 blocks apart on both axes; a crop's width of space needs 4.
        bool Clear((int X, int Y, double Score) w, int apart) => chosen.All(c => Math.Abs(c.X - w.X) >= apart || Math.Abs(c.Y - w.Y) >= apart);
        while (chosen.Count < count)
        {
            var near = ranked.FindIndex(w => Clear(w, 2));
            if (near < 0) break;
            var far = ranked.FindIndex(w => Clear(w, 4));
            chosen.Add(far >= 0 && ranked[far].Score >= ranked[near].Score / 2 ? ranked[far] : ranked[near]);
        }
        return [.. chosen.OrderByDescending(w => w.Score).ThenBy(w => w.Y).ThenBy(w => w.X)];
    }

    /// <summary>Rec. 709 luma of sRGB-encoded values (what image editors call a luminance histogram); grey passes through.</summary>
    public static Image Luma(Image colour) =>
        colour.Bands >= 3 ? colour[0] * 0.2126 + colour[1] * 0.7152 + colour[2] * 0.0722 : colour[0];
}
