using NetVips;

namespace Burnish.Stages.Repair.TextMask;

/// <summary>
/// Visible watermarks that are not text, found by normalised cross-correlation (libvips <c>spcor</c>) of their
/// captured shape against the image's luminance, near the corner where they are stamped.
/// <para>
/// The Gemini sparkle: a white four-pointed star alpha-blended over the image (about 50 % at its centre), 48 px with a
/// 32 px margin from the bottom-right corner, or 96 px with a 64 px margin when both sides exceed 1024 px. Its shape
/// (alpha = the capture on black / 255) comes from lastraindrop/gemini-watermark-remover (MIT), files
/// <c>src/assets/bg_48.png</c> and <c>bg_96.png</c>. Over a roughly flat patch the marked pixels are
/// background + α·(1 − background), a linear function of α, so the correlation is close to 1 wherever the mark is.
/// </para>
/// </summary>
internal sealed class KnownWatermarks
{
    /// <summary>Alpha below which a pixel of the mark is left out of the mask (the capture's noise floor).</summary>
    public const float AlphaFloor = 2f / 255f;

    private readonly Lazy<Mark[]> marks = new(() => [Load("gemini-48.png", 48, 32), Load("gemini-96.png", 96, 64)]);

    private sealed record Mark(string Name, int Size, int Margin, float[] Alpha, Image Template);

    private static Mark Load(string file, int size, int margin)
    {
        using var stream = typeof(KnownWatermarks).Assembly.GetManifestResourceStream($"Burnish.Repair.Marks.{file}")
            ?? throw new InvalidOperationException($"embedded watermark shape {file} is missing");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        using var capture = Image.NewFromBuffer(memory.ToArray());
        if (capture.Width != size || capture.Height != size || capture.Format != Enums.BandFormat.Uchar)
            throw new InvalidOperationException($"embedded watermark shape {file} is not {size}×{size} 8-bit");
        // The capture is the mark over black: its brightest channel is α·255.
        var bytes = capture.WriteToMemory<byte>();
        var bands = capture.Bands;
        var alpha = new float[size * size];
        for (var i = 0; i < alpha.Length; i++)
        {
            var max = 0;
            for (var c = 0; c < bands; c++) max = Math.Max(max, bytes[i * bands + c]);
            alpha[i] = max / 255f;
        }
        return new Mark(Path.GetFileNameWithoutExtension(file), size, margin, alpha,
            Image.NewFromMemoryCopy(alpha, size, size, 1, Enums.BandFormat.Float));
    }

    /// <summary>
    /// Each known mark found in <paramref name="rgb"/> (sRGB float) with a correlation of at least
    /// <paramref name="threshold"/>; at most one per mark size, the best.
    /// </summary>
    public IEnumerable<TextRegion> Find(Image rgb, double threshold, CancellationToken cancel)
    {
        using var luminance = rgb.Bandmean();
        var found = new List<TextRegion>();
        foreach (var mark in marks.Value)
        {
            cancel.ThrowIfCancellationRequested();
            if (Locate(luminance, mark) is not { } hit || hit.Score < threshold) continue;
            var (x, y, s) = (hit.X, hit.Y, mark.Size);
            found.Add(new TextRegion(
                [new(x - 0.5, y - 0.5), new(x + s - 0.5, y - 0.5), new(x + s - 0.5, y + s - 0.5), new(x - 0.5, y + s - 0.5)],
                hit.Score, RegionKind.Watermark) { Shape = (mark.Alpha, s, x, y) });
        }
        // Both sizes can match the same mark (the 48 px shape inside a 96 px one): keep the better.
        return found.Count == 2 && Overlap(found[0], found[1]) ? [found.MaxBy(r => r.Score)!] : found;
    }

    private static bool Overlap(TextRegion a, TextRegion b) =>
        a.Points[0].X < b.Points[2].X && b.Points[0].X < a.Points[2].X && a.Points[0].Y < b.Points[2].Y && b.Points[0].Y < a.Points[2].Y;

    /// <summary>
    /// The best top-left position of <paramref name="mark"/> within a quarter of its size of where it is stamped
    /// (its margin from the bottom-right corner). Searching only there keeps bright blobs elsewhere, which correlate
    /// with a star-shaped blob too, from being taken for it; a few pixels of cropping or padding still match.
    /// </summary>
    private static (int X, int Y, double Score)? Locate(Image luminance, Mark mark)
    {
        var slack = mark.Size / 4;
        var (left, top) = (luminance.Width - mark.Margin - mark.Size - slack, luminance.Height - mark.Margin - mark.Size - slack);
        var (right, bottom) = (Math.Min(luminance.Width, left + mark.Size + 2 * slack), Math.Min(luminance.Height, top + mark.Size + 2 * slack));
        (left, top) = (Math.Max(0, left), Math.Max(0, top));
        if (right - left < mark.Size || bottom - top < mark.Size) return null;
        using var window = luminance.Crop(left, top, right - left, bottom - top);
        if (Best(window, mark.Template) is not { } b) return null;
        // Correlation ignores amplitude, so a faint trace (what a remover leaves behind) correlates as well as the
        // mark itself. The least-squares fit I ≈ c + k·α over the patch gives the blend's strength: a white mark over a
        // background b has k = 1 − b, a trace only a few hundredths.
        using var patch = window.Crop(b.X, b.Y, mark.Size, mark.Size);
        var strength = Slope(mark.Alpha, patch.Cast(Enums.BandFormat.Float).WriteToMemory<float>());
        return strength >= MinStrength ? (left + b.X, top + b.Y, b.Score) : null;
    }

    /// <summary>Least blend strength k (I ≈ c + k·α) that counts as a visible mark: 1 − k is the brightest background it would show on.</summary>
    public const double MinStrength = 0.08;

    internal static double Slope(ReadOnlySpan<float> alpha, ReadOnlySpan<float> values)
    {
        double ma = 0, mv = 0;
        for (var i = 0; i < alpha.Length; i++) { ma += alpha[i]; mv += values[i]; }
        (ma, mv) = (ma / alpha.Length, mv / alpha.Length);
        double cov = 0, var = 0;
        for (var i = 0; i < alpha.Length; i++)
        {
            cov += (alpha[i] - ma) * (values[i] - mv);
            var += (alpha[i] - ma) * (alpha[i] - ma);
        }
        return var == 0 ? 0 : cov / var;
    }

    // spcor places the template's centre (size/2) at each output pixel; only positions where the whole template lies
    // inside the window are real matches (outside, libvips pads), so the argmax is taken over those alone.
    internal static (int X, int Y, double Score)? Best(Image window, Image template)
    {
        var (tw, th) = (template.Width, template.Height);
        if (window.Width < tw || window.Height < th) return null;
        using var surface = window.Spcor(template);
        var (cx, cy) = (tw / 2, th / 2);
        using var valid = surface.Crop(cx, cy, window.Width - tw + 1, window.Height - th + 1);
        var values = valid.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        var (bx, by, score) = (0, 0, double.MinValue);
        for (var i = 0; i < values.Length; i++)
        {
            if (!(values[i] > score)) continue;
            score = values[i];
            (bx, by) = (i % valid.Width, i / valid.Width);
        }
        return score == double.MinValue ? null : (bx, by, score);
    }
}
