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
    /// <para>
    /// Streamed: a first pass over the bands of the image measures clipping and gathers the halation's energy map
    /// (both need the whole image); the graded pixels are then a lazy <see cref="Strips"/> image that repeats the
    /// point operations band by band and adds glow and grain, so no full-size float copy is ever held.
    /// </para>
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage image, GradeParams p, CubeLut? lut = null, CancellationToken cancel = default)
    {
        if (p.Lut is { Strength: > 0 } && lut is null)
            throw new ArgumentException("the grade names a LUT but none was loaded", nameof(lut));
        if (IsIdentity(p)) return (image, StageReport.Empty);
        var linear = ColourSpaces.Convert(image, ShippedProfiles.LinearRec2020);
        var colour = linear.Colour;
        int w = image.Width, h = image.Height;
        var points = new PointOperations(p, lut);
        var glow = p.Halation is { Amount: > 0 } halation ? Film.Halation.Plan(w, h, halation) : null;

        // First pass: clipping before and after the point operations, and the glow's energy (in whole cells of rows).
        long shadowsBefore = 0, highlightsBefore = 0, shadowsAfter = 0, highlightsAfter = 0;
        var scanRows = glow is null ? Strips.DefaultBandRows : glow.CellRows * Math.Max(1, Strips.DefaultBandRows / glow.CellRows);
        float[]? reuse = null;
        for (var y = 0; y < h; y += scanRows)
        {
            cancel.ThrowIfCancellationRequested();
            var rows = Math.Min(scanRows, h - y);
            var data = rows == scanRows ? reuse ??= new float[(long)scanRows * w * 3] : new float[(long)rows * w * 3];
            Strips.ReadRows(colour, y, rows, data);
            var band = new PixelBuffer(w, rows, 3, data);
            double n = (double)w * rows;
            var before = ColourKernels.Clipping(band);
            shadowsBefore += (long)Math.Round(before.Shadows * n);
            highlightsBefore += (long)Math.Round(before.Highlights * n);
            points.Apply(band, cancel);
            // Measured before the film effects: halation pushing highlights past 1 is the look, not a clipping grade.
            var after = ColourKernels.Clipping(band);
            shadowsAfter += (long)Math.Round(after.Shadows * n);
            highlightsAfter += (long)Math.Round(after.Highlights * n);
            glow?.Accumulate(band, y);
        }
        glow?.Finish(cancel);
        double total = (double)w * h;

        var grain = p.Grain is { Amount: > 0 } g ? g : null;
        var pixels = Strips.Lazy(w, h, 3, (y, rows, output) =>
        {
            var exact = output.LongLength == (long)rows * w * 3 ? output : new float[(long)rows * w * 3];
            Strips.ReadRows(colour, y, rows, exact);
            var band = new PixelBuffer(w, rows, 3, exact);
            points.Apply(band, default);
            glow?.AddTo(band, y);
            if (grain is not null) Film.Grain.ApplyBand(band, y, grain);
            if (!ReferenceEquals(exact, output)) exact.CopyTo(output, 0);
        });
        var result = new WorkImage(ColourSpaces.WithAlpha(pixels, linear.Alpha), ShippedProfiles.LinearRec2020);
        return (result, Report((shadowsBefore / total, highlightsBefore / total), (shadowsAfter / total, highlightsAfter / total)));
    }

    /// <summary>White balance and exposure, tone curve, split toning and saturation, and the LUT: the per-pixel part of the grade.</summary>
    private sealed class PointOperations
    {
        private readonly GradeParams p;
        private readonly CubeLut? lut;
        private readonly Matrix3 matrix;
        private readonly ToneCurve? curve;
        private readonly LittleCms? encode, decode;

        public PointOperations(GradeParams p, CubeLut? lut)
        {
            this.p = p;
            this.lut = lut;
            matrix = WhiteBalance.Matrix(p.WhiteBalance) * Math.Pow(2, p.Exposure);
            curve = ToneCurve.IsIdentity(p.Tone) ? null : ToneCurve.Build(p.Tone);
            if (p.Lut is not { Strength: > 0 }) return;
            // Creative LUTs expect display-referred sRGB; the detour is float and unbounded, so nothing clips on the way.
            encode = LittleCms.Create(ShippedProfiles.LinearRec2020.Icc, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.Srgb.Icc, LittleCms.PixelFormat.RgbFloat);
            decode = LittleCms.Create(ShippedProfiles.Srgb.Icc, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.LinearRec2020.Icc, LittleCms.PixelFormat.RgbFloat);
        }

        public void Apply(PixelBuffer buffer, CancellationToken cancel)
        {
            if (matrix != Matrix3.Identity) ColourKernels.Transform(buffer, matrix, cancel);
            curve?.Apply(buffer, cancel);
            if (p.SplitTone.Shadows.Amount != 0 || p.SplitTone.Highlights.Amount != 0 || p.Saturation != 0 || p.Vibrance != 0)
                ColourKernels.SplitToneAndSaturation(buffer, p.SplitTone, p.Saturation, p.Vibrance, cancel);
            if (p.Lut is { Strength: > 0 } look)
            {
                encode!.ApplyInPlace(buffer, cancel);
                Lut3D.Apply(buffer, lut!, look.Strength, cancel);
                decode!.ApplyInPlace(buffer, cancel);
            }
        }
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
