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
    /// named by <c>p.Lut</c>, loaded by the caller (a stage reads no files). The report is complete (see <see cref="Stream"/>).
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage image, GradeParams p, CubeLut? lut = null, CancellationToken cancel = default)
    {
        using var graded = Stream(image, p, lut, cancel);
        return (graded.Image, graded.Report);
    }

    /// <summary>
    /// The grade as a lazy <see cref="Strips"/> image: the point operations, glow and grain run band by band as the
    /// image is read, so no full-size float copy is ever held. The clipping figures are counted from the bands as
    /// they are computed; <see cref="IStreamedImage.Report"/> computes any band not yet read. Halation needs the
    /// whole image's energy before its first band, so only then does a first pass run the point operations once more.
    /// </summary>
    public static IStreamedImage Stream(WorkImage image, GradeParams p, CubeLut? lut = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(p);
        if (p.Lut is { Strength: > 0 } && lut is null)
            throw new ArgumentException("the grade names a LUT but none was loaded", nameof(lut));
        if (IsIdentity(p)) return new Graded(image, null, StageReport.Empty);
        var linear = ColourSpaces.Convert(image, ShippedProfiles.LinearRec2020);
        var colour = linear.Colour;
        int w = image.Width, h = image.Height;
        var points = new PointOperations(p, lut);
        var glow = p.Halation is { Amount: > 0 } halation ? Film.Halation.Plan(w, h, halation) : null;
        var grain = p.Grain is { Amount: > 0 } g ? g : null;
        var tally = new ClipTally(h, Strips.DefaultBandRows);

        if (glow is not null)
        {
            // First pass, in whole cells of rows: the glow's energy, and the clipping figures on the way.
            var scanRows = glow.CellRows * Math.Max(1, Strips.DefaultBandRows / glow.CellRows);
            float[]? reuse = null;
            var counts = new long[4];
            for (var y = 0; y < h; y += scanRows)
            {
                cancel.ThrowIfCancellationRequested();
                var rows = Math.Min(scanRows, h - y);
                var data = rows == scanRows ? reuse ??= new float[(long)scanRows * w * 3] : new float[(long)rows * w * 3];
                Strips.ReadRows(colour, y, rows, data);
                var band = new PixelBuffer(w, rows, 3, data);
                Add(counts, 0, ColourKernels.ClippedPixels(band));
                points.Apply(band, cancel);
                // Measured before the film effects: halation pushing highlights past 1 is the look, not a clipping grade.
                Add(counts, 2, ColourKernels.ClippedPixels(band));
                glow.Accumulate(band, y);
            }
            glow.Finish(cancel);
            tally.SetTotals(counts);
        }

        // Computes the point operations of rows [y, y + rows) into exact (rows × w × 3), counting clipping when asked.
        void Points(int y, int rows, float[] exact, bool count)
        {
            Strips.ReadRows(colour, y, rows, exact);
            var band = new PixelBuffer(w, rows, 3, exact);
            var before = count ? ColourKernels.ClippedPixels(band) : default;
            points.Apply(band, default);
            if (count) tally.Record(y, before, ColourKernels.ClippedPixels(band));
        }

        var pixels = Strips.Lazy(w, h, 3, (y, rows, output) =>
        {
            var exact = output.LongLength == (long)rows * w * 3 ? output : new float[(long)rows * w * 3];
            Points(y, rows, exact, count: glow is null);
            var band = new PixelBuffer(w, rows, 3, exact);
            glow?.AddTo(band, y);
            if (grain is not null) Film.Grain.ApplyBand(band, y, grain);
            if (!ReferenceEquals(exact, output)) exact.CopyTo(output, 0);
        });
        var result = new WorkImage(ColourSpaces.WithAlpha(pixels, linear.Alpha), ShippedProfiles.LinearRec2020);
        return new Graded(result, tally, null, (y, rows) => Points(y, rows, new float[(long)rows * w * 3], count: true));
    }

    private static void Add(long[] counts, int at, (long Shadows, long Highlights) c)
    {
        counts[at] += c.Shadows;
        counts[at + 1] += c.Highlights;
    }

    /// <summary>
    /// Clipping counts per band of <see cref="Strips.DefaultBandRows"/> rows, written as the lazy image computes each
    /// band (again, if it is asked for again: the counts are the same), so the report needs no pass of its own.
    /// </summary>
    private sealed class ClipTally(int height, int bandRows)
    {
        private readonly long[][] bands = new long[(height + bandRows - 1) / bandRows][];
        private long[]? totals;

        public void SetTotals(long[] counts) => totals = counts;

        public void Record(int y, (long Shadows, long Highlights) before, (long Shadows, long Highlights) after) =>
            Volatile.Write(ref bands[y / bandRows], [before.Shadows, before.Highlights, after.Shadows, after.Highlights]);

        /// <summary>Shadows and highlights before, then after; bands never computed are computed by <paramref name="compute"/> first.</summary>
        public long[] Totals(Action<int, int> compute)
        {
            if (totals is not null) return totals;
            var sum = new long[4];
            for (var b = 0; b < bands.Length; b++)
            {
                if (Volatile.Read(ref bands[b]) is null) compute(b * bandRows, Math.Min(bandRows, height - b * bandRows));
                for (var i = 0; i < 4; i++) sum[i] += bands[b][i];
            }
            return totals = sum;
        }
    }

    /// <summary>The graded image; its report is settled from the tally once asked for.</summary>
    private sealed class Graded : IStreamedImage
    {
        private readonly ClipTally? tally;
        private readonly Action<int, int>? compute;
        private StageReport? report;

        public Graded(WorkImage image, ClipTally? tally, StageReport? report, Action<int, int>? compute = null) =>
            (Image, this.tally, this.report, this.compute) = (image, tally, report, compute);

        public WorkImage Image { get; }

        public bool Rereadable => true;

        public StageReport Report
        {
            get
            {
                if (report is not null) return report;
                var t = tally!.Totals(compute!);
                double total = (double)Image.Width * Image.Height;
                return report = Grade.Report((t[0] / total, t[1] / total), (t[2] / total, t[3] / total));
            }
        }

        public void Consume(Action<WorkImage> consume)
        {
            ArgumentNullException.ThrowIfNull(consume);
            consume(Image);
        }

        public WorkImage Materialise() => Image.WithPixels(Image.Pixels.CopyMemory());

        public void Dispose() { }
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
            encode = LittleCms.Create(ShippedProfiles.LinearRec2020, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.Srgb, LittleCms.PixelFormat.RgbFloat);
            decode = LittleCms.Create(ShippedProfiles.Srgb, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.LinearRec2020, LittleCms.PixelFormat.RgbFloat);
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
