using System.Globalization;
using Burnish.Imaging;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Stages.Grade;

/// <summary>The grade stage: pure functions from an image and <see cref="GradeParams"/> to a graded image and a report.</summary>
public static class Grade
{
    /// <summary>A grade that clips more than this share of pixels that were not clipped before is warned about.</summary>
    public const double ClipWarnShare = 0.005;

    public static bool IsIdentity(GradeParams p) =>
        p.WhiteBalance.Temperature == 0 && p.WhiteBalance.Tint == 0 && p.Exposure == 0 && ToneCurve.IsIdentity(p.Tone)
        && p.SplitTone.Shadows.Amount == 0 && p.SplitTone.Highlights.Amount == 0 && p.Saturation == 0 && p.Vibrance == 0
        && (p.Lut is null || p.Lut.Strength == 0) && !(p.Halation?.Amount > 0) && !(p.Grain?.Amount > 0);

    /// <summary>
    /// Grades <paramref name="image"/> in linear BT.2020 (the result stays there, unbounded, so nothing the grade
    /// pushes out of sRGB is lost before the master). Alpha is carried unchanged. <paramref name="lut"/> is the file
    /// named by <c>p.Lut</c>, loaded by the caller (a stage reads no files).
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage image, GradeParams p, CubeLut? lut = null, CancellationToken cancel = default)
    {
        if (p.Lut is { Strength: > 0 } && lut is null)
            throw new ArgumentException("the grade names a LUT but none was loaded", nameof(lut));
        if (IsIdentity(p)) return (image, StageReport.Empty);
        var linear = ColourSpaces.Convert(image, ShippedProfiles.LinearRec2020);
        var buffer = PixelBuffer.From(linear.Colour);
        var before = ColourKernels.Clipping(buffer);

        var matrix = WhiteBalance.Matrix(p.WhiteBalance) * Math.Pow(2, p.Exposure);
        if (matrix != Matrix3.Identity) ColourKernels.Transform(buffer, matrix, cancel);
        if (!ToneCurve.IsIdentity(p.Tone)) ToneCurve.Build(p.Tone).Apply(buffer, cancel);
        if (p.SplitTone.Shadows.Amount != 0 || p.SplitTone.Highlights.Amount != 0 || p.Saturation != 0 || p.Vibrance != 0)
            ColourKernels.SplitToneAndSaturation(buffer, p.SplitTone, p.Saturation, p.Vibrance, cancel);
        if (p.Lut is { Strength: > 0 } look)
            buffer = ThroughSrgb(buffer, b => Lut3D.Apply(b, lut!, look.Strength, cancel));

        // Measured before the film effects: halation pushing highlights past 1 is the look, not a clipping grade.
        var after = ColourKernels.Clipping(buffer);
        if (p.Halation is { Amount: > 0 } halation) Film.Halation.Apply(buffer, halation, cancel);
        if (p.Grain is { Amount: > 0 } grain) Film.Grain.Apply(buffer, grain, cancel);
        var result = new WorkImage(ColourSpaces.WithAlpha(buffer.AsImage(NetVips.Enums.Interpretation.Rgb), linear.Alpha), ShippedProfiles.LinearRec2020);
        return (result, Report(before, after));
    }

    // Creative LUTs expect display-referred sRGB; the detour is float and unbounded, so nothing clips on the way.
    private static PixelBuffer ThroughSrgb(PixelBuffer linear, Action<PixelBuffer> apply)
    {
        using (var encode = LittleCms.Create(ShippedProfiles.LinearRec2020.Icc, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.Srgb.Icc, LittleCms.PixelFormat.RgbFloat))
            encode.ApplyInPlace(linear);
        apply(linear);
        using (var decode = LittleCms.Create(ShippedProfiles.Srgb.Icc, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.LinearRec2020.Icc, LittleCms.PixelFormat.RgbFloat))
            decode.ApplyInPlace(linear);
        return linear;
    }

    private static StageReport Report((double Shadows, double Highlights) before, (double Shadows, double Highlights) after)
    {
        var measurements = new Dictionary<string, double>
        {
            ["clipped_shadows_before"] = Math.Round(before.Shadows, 6),
            ["clipped_shadows_after"] = Math.Round(after.Shadows, 6),
            ["clipped_highlights_before"] = Math.Round(before.Highlights, 6),
            ["clipped_highlights_after"] = Math.Round(after.Highlights, 6),
        };
        var warnings = new List<string>();
        var newly = after.Shadows - before.Shadows + (after.Highlights - before.Highlights);
        if (newly > ClipWarnShare)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"grade clips {newly * 100:0.##} % more pixels (shadows {before.Shadows * 100:0.##} → {after.Shadows * 100:0.##} %, highlights {before.Highlights * 100:0.##} → {after.Highlights * 100:0.##} %)"));
        return new StageReport(warnings, measurements);
    }
}
