using NetVips;

namespace Burnish.Detection.Subject;

/// <summary>Which side of ISNet's alpha a mask takes.</summary>
public enum SubjectSide
{
    /// <summary>The salient subject: ISNet's alpha as it is.</summary>
    Subject,
    /// <summary>Everything else: one minus the alpha.</summary>
    Background,
}

/// <summary>A subject or background mask of one image, with its region for the sidecar and a warning when nothing was found.</summary>
/// <param name="Mask">W×H float coverage, 0–1 (soft at the subject's edge, as ISNet's alpha is).</param>
/// <param name="Regions">One region (kind subject or background, box, mean alpha as score, pixels at least half covered), or none.</param>
/// <param name="Warning">"no subject found" when the alpha has no subject, else null.</param>
public sealed record SubjectMask(Image Mask, IReadOnlyList<FoundRegion> Regions, string? Warning);

/// <summary>
/// Subject and background masks from ISNet's alpha. An image whose alpha covers less than
/// <see cref="MinSubjectFraction"/> at half or more has no subject: both masks are then empty, with a warning, so a
/// background pass never repaints a whole image that merely has no clear subject.
/// </summary>
public static class SubjectMasks
{
    /// <summary>The share of the image a subject must cover (alpha ≥ 0.5) to count as found: a few specks of stray alpha are no subject.</summary>
    public const double MinSubjectFraction = 0.002;

    public const string NotFound = "no subject found";

    /// <summary>The <paramref name="side"/> mask of an image <paramref name="width"/>×<paramref name="height"/> from its 8-bit alpha.</summary>
    public static SubjectMask From(byte[] alpha, int width, int height, SubjectSide side)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        if (alpha.LongLength != (long)width * height) throw new ArgumentException($"alpha has {alpha.LongLength} values for {width}×{height}", nameof(alpha));
        long subjectPixels = 0;
        foreach (var a in alpha) if (a >= 128) subjectPixels++;
        if (subjectPixels < MinSubjectFraction * width * height)
            return new SubjectMask(Image.Black(width, height).Cast(Enums.BandFormat.Float), [], NotFound);

        var values = new float[alpha.LongLength];
        double sum = 0;
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        long pixels = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (long)y * width + x;
                var v = side == SubjectSide.Subject ? alpha[i] / 255f : 1 - alpha[i] / 255f;
                values[i] = v;
                sum += v;
                if (v < 0.5f) continue;
                pixels++;
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
            }
        var mask = Image.NewFromMemoryCopy(values, width, height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);
        var kind = side == SubjectSide.Subject ? "subject" : "background";
        // Score: the mean alpha over the image, the side's soft share of it.
        IReadOnlyList<FoundRegion> regions = pixels == 0 ? [] : [new FoundRegion(kind, [x0, y0, x1 - x0 + 1, y1 - y0 + 1], Math.Round(sum / ((double)width * height), 3), pixels)];
        return new SubjectMask(mask, regions, null);
    }
}
