using System.Globalization;
using Burnish.Imaging;
using Burnish.Metrics;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// Cleanup computed in bands of rows (darktable's tiles with their declared overlap, libvips' regions). What needs the
/// whole image is made first, small: the colour fix's blurred difference (at 1/factor of the size), the detail
/// pyramid's coarser levels and each soften region's bounding box. Everything else is lazy and read per band with
/// <see cref="Halo"/> rows of context each side (the image's edge rows repeated beyond it, as the whole-image
/// kernels clamp): the AI result's L*a*b*, the classical upscale (enlarged from the small source on demand), the halo
/// clamp's window, each soften region's guided-filter reach, and one row for the sharpness and slope figures. Every
/// kernel is a function of its neighbourhood alone, so a band's pixels are the whole image's, bit for bit, whatever the
/// band height; the one exception is softening's guided filter, whose box sums run in double from the top of its crop,
/// so a pixel can round differently (within 1e-5 L*; tested).
/// </summary>
internal sealed class CleanupBands
{
    private const float Ignore = 1e-3f; // mask weights at or below this are outside a soften region

    private readonly WorkImage upscaled, source;
    private readonly CleanupParams p;
    private readonly Image lab, aiL, classicalL;
    private readonly Image? alpha;
    private readonly bool labIsAi; // lab's L* is the AI result's own (no detail blend, no lightness match)
    private readonly Region[] regions;
    private readonly int w, h, window, bandRows, outBands, box;
    private readonly double scale;
    private readonly LittleCms? toEncoded;
    private readonly Image? aiLab; // read again per band only when the profile's round trip is lossy (see Lossy)
    private readonly Figures?[] figures;
    private readonly CancellationToken cancel;
    private StageReport? report;

    /// <summary>Context rows each band reads above and below its own.</summary>
    public int Halo { get; }

    public WorkImage Image { get; }

    public CleanupBands(WorkImage upscaled, WorkImage source, CleanupParams p, SoftenMasks masks, int bandRows, CancellationToken cancel,
        IReadOnlyList<FaceWeight>? faces = null)
    {
        (this.upscaled, this.source, this.p, this.cancel) = (upscaled, source, p, cancel);
        (w, h) = (upscaled.Width, upscaled.Height);
        scale = Math.Max((double)w / source.Width, (double)h / source.Height);
        window = ImageMetrics.HaloWindow(scale);
        var aiLab = ColourSpaces.ToLabLazy(upscaled);
        if (!upscaled.IsGrey && Lossy(upscaled.Profile)) this.aiLab = aiLab;
        // The classical upscale's Lab straight from its linear light (the resize's own XYZ), not encoded and decoded
        // again; grey images keep their grey encoding's path, and cut-outs the encoded one (near-transparent pixels'
        // unpremultiplied light is extreme, which the encoding tames: a 16-bit cut-out's drift rose 1.36 → 1.84 without it).
        var classicalLab = upscaled.IsGrey || source.IsGrey || source.HasAlpha
            ? ColourSpaces.ToLabLazy(ImageMetrics.ClassicalResize(source, w, h))
            : ColourSpaces.LabOfLinearLazy(LinearImage.Of(source).ResizeLight(w, h).Xyz);
        var blended = aiLab;
        if (p.Detail < 1) blended = DetailBands.Blend(blended, classicalLab, p.Detail, scale);
        var faceDetail = faces is { Count: > 0 } && FaceDetail.Applies(p);
        if (faceDetail) blended = FaceDetail.Apply(blended, aiLab, classicalLab, p.DetailFaces!.Value, scale, faces!);
        cancel.ThrowIfCancellationRequested();
        if (p.Colour) blended = ColourMatch.Apply(blended, classicalLab, p.ColourRadius * scale, p.ColourLightness, cancel);
        cancel.ThrowIfCancellationRequested();
        lab = blended;
        labIsAi = p.Detail >= 1 && !faceDetail && !(p.Colour && p.ColourLightness);
        aiL = aiLab[0];
        classicalL = classicalLab[0];
        alpha = upscaled.Alpha?.Cast(Enums.BandFormat.Float);
        regions = [.. Regions(masks)];
        Halo = window + 1 + regions.Sum(r => r.Reach);

        this.bandRows = Math.Max(16, (bandRows + 15) / 16 * 16); // as the strip engine rounds it
        figures = new Figures?[(h + this.bandRows - 1) / this.bandRows];
        outBands = upscaled.Pixels.Bands;
        if (!upscaled.IsGrey) toEncoded = LittleCms.Create(null, LittleCms.PixelFormat.XyzFloat, upscaled.Profile, LittleCms.PixelFormat.RgbFloat);
        // The colour drift after is measured from a box mean of the result's linear light, gathered as bands are made;
        // its side divides the band height, so no box straddles two bands.
        var (dw, dh) = ImageMetrics.DriftSizeOf(w, h, source);
        box = 1;
        while (box < 16 && w / (box * 2) >= 2 * dw && h / (box * 2) >= 2 * dh) box *= 2;

        var pixels = Strips.Lazy(w, h, outBands, Compute, this.bandRows).Copy(interpretation: upscaled.Pixels.Interpretation);
        Image = upscaled.WithPixels(pixels);
    }

    /// <summary>One soften region: its lazy weight image, the bounding box of weights above <see cref="Ignore"/>, its share of the image.</summary>
    private sealed record Region(SoftenRegion Params, Image Mask, int Left, int Top, int Right, int Bottom, double Coverage)
    {
        /// <summary>The guided filter at a pixel reads up to 2r away (box means of box means).</summary>
        public int Reach => 2 * Params.Radius;
    }

    private IEnumerable<Region> Regions(SoftenMasks masks)
    {
        for (var i = 0; i < p.Soften.Count; i++)
        {
            var region = p.Soften[i];
            if (region.Amount <= 0) continue;
            var mask = Cleanup.RegionMask(region, i, masks[i], w, h);
            // A first pass over the weights alone: the box the filter runs over, and the share for the report.
            int left = w, top = h, right = -1, bottom = -1;
            double coverage = 0;
            var gate = new object();
            Strips.Scan(mask, (y, rows, weights) =>
            {
                int l = w, t = h, r = -1, b = -1;
                double sum = 0;
                for (var row = 0; row < rows; row++)
                    for (var x = 0; x < w; x++)
                    {
                        var m = weights[row * w + x];
                        sum += m;
                        if (m <= Ignore) continue;
                        (l, r) = (Math.Min(l, x), Math.Max(r, x));
                        (t, b) = (Math.Min(t, y + row), Math.Max(b, y + row));
                    }
                lock (gate)
                {
                    coverage += sum;
                    (left, right, top, bottom) = (Math.Min(left, l), Math.Max(right, r), Math.Min(top, t), Math.Max(bottom, b));
                }
            }, cancel: cancel);
            if (right >= 0) yield return new Region(region, mask, left, top, right, bottom, 100 * coverage / ((double)w * h));
        }
    }

    /// <summary>What one band adds to the report.</summary>
    private sealed class Figures
    {
        public required HaloTally HaloBefore { get; init; }
        public required HaloTally HaloAfter { get; init; }
        public required Moments SharpBefore { get; init; }
        public required Moments SharpLanczos { get; init; }
        public required Moments SharpAfter { get; init; }
        /// <summary>Sums of premultiplied X, Y, Z and alpha (or X, Y, Z) per box of this band's rows.</summary>
        public required double[] Boxes { get; init; }
    }

    /// <summary>Count, sum and sum of squares of the 4-neighbour Laplacian over interior pixels: its variance is the sharpness.</summary>
    private readonly record struct Moments(long Count, double Sum, double Squares)
    {
        public Moments Add(Moments m) => new(Count + m.Count, Sum + m.Sum, Squares + m.Squares);

        // As libvips' deviate squared: |Σx² − (Σx)²/n| / (n − 1).
        public double Variance => Count > 1 ? Math.Abs(Squares - Sum * Sum / Count) / (Count - 1) : 0;
    }

    /// <summary>Computes rows [<paramref name="y"/>, <paramref name="y"/> + <paramref name="rows"/>) into <paramref name="output"/> (the strip engine's kernel).</summary>
    private void Compute(int y, int rows, float[] output)
    {
        int halo = Halo, n = rows + 2 * halo, size = n * w;
        var samples = new float[size * 3];
        Strips.ReadRowsClamped(lab, y, rows, halo, samples);
        float[] l = new float[size], a = new float[size], b = new float[size];
        Strips.ForChunks(n, (r0, r1) =>
        {
            for (int i = r0 * w, end = r1 * w; i < end; i++) (l[i], a[i], b[i]) = (samples[3 * i], samples[3 * i + 1], samples[3 * i + 2]);
        });
        var reference = new float[size];
        Strips.ReadRowsClamped(classicalL, y, rows, halo, reference);
        float[] ai;
        if (labIsAi) ai = (float[])l.Clone();
        else Strips.ReadRowsClamped(aiL, y, rows, halo, ai = new float[size]);
        float[]? weights = null;
        if (alpha is not null) Strips.ReadRowsClamped(alpha, y, rows, halo, weights = new float[size]);

        var haloBefore = HaloMeter.MeasureRows(reference, ai, weights, w, n, halo, rows, window);
        var sharpBefore = Laplacian(ai, y, rows);
        var sharpLanczos = Laplacian(reference, y, rows);

        if (p.Halo > 0)
        {
            var clamped = new float[size];
            HaloClamp.Apply(l, reference, clamped, w, n, window, p.Halo, HaloClamp.DefaultEdgeFloor);
            l = clamped;
        }
        // Rows of the planes that are the whole image's from here on: the clamp's window is spent at each edge.
        var valid = window;
        float[][] planes = [l, a, b];
        foreach (var region in regions)
        {
            Soften(region, planes, y - halo, n, valid);
            valid += region.Reach;
        }
        l = planes[0];

        var haloAfter = HaloMeter.MeasureRows(reference, l, weights, w, n, halo, rows, window);
        var sharpAfter = Laplacian(l, y, rows);

        // The band's own rows back to the image's encoding (through PCS XYZ, as ColourSpaces.FromLabPlanes).
        var count = rows * w;
        var own = new float[count * 3];
        for (int i = 0, o = halo * w; i < count; i++, o++) (own[3 * i], own[3 * i + 1], own[3 * i + 2]) = (l[o], a[o], b[o]);
        double[] boxes;
        float[] encoded;
        if (toEncoded is not null)
        {
            Strips.ForChunks(rows, (r0, r1) => CieLab.ToXyzVector(own, r0 * w * 3, r1 * w * 3));
            boxes = Boxes(own, weights, halo * w, y, rows);
            Encode(own, rows);
            encoded = own;
            if (aiLab is not null) KeepWhatCleanupLeft(encoded, samples, halo * w * 3, y, rows);
        }
        else
        {
            var bandLab = NetVips.Image.NewFromMemoryCopy<float>(own, w, rows, 3, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Lab);
            encoded = ColourSpaces.FromLabSamples(bandLab, upscaled);
            boxes = [];
        }
        Write(encoded, weights, halo * w, count, output);

        var band = Math.Min(y / bandRows, figures.Length - 1);
        Volatile.Write(ref figures[band], new Figures
        {
            HaloBefore = haloBefore, HaloAfter = haloAfter,
            SharpBefore = sharpBefore, SharpLanczos = sharpLanczos, SharpAfter = sharpAfter,
            Boxes = boxes,
        });
    }

    // XYZ samples of `rows` rows to the image's encoding, in place.
    private void Encode(float[] xyz, int rows) => Strips.ForChunks(rows, (r0, r1) =>
    {
        var span = xyz.AsSpan(r0 * w * 3, (r1 - r0) * w * 3);
        toEncoded!.Transform(span, span, (r1 - r0) * w);
    });

    /// <summary>
    /// For a profile whose round trip is lossy, the band becomes the AI result plus what cleanup changed, both
    /// encoded the same way: result = upscaled + encode(cleaned) − encode(upscaled's own Lab). A pixel cleanup left
    /// alone is then the upscaled pixel, bit for bit, and no pixel pays the round trip's loss. A profile with sampled
    /// tone curves (a 26-point curv, as in the woman photo's) clips Lanczos and AI overshoot below 0 and above 1, by up
    /// to 3,200 16-bit levels, and is off by up to 6 levels elsewhere; a soften region then moved pixels far outside it.
    /// <paramref name="lab"/> holds the band as read from the blended Lab, its own rows from <paramref name="offset"/>.
    /// </summary>
    private void KeepWhatCleanupLeft(float[] encoded, float[] lab, int offset, int y, int rows)
    {
        var count = rows * w * 3;
        var before = new float[count];
        // The band's Lab samples are the AI result's own when nothing was blended in; else read them again.
        if (labIsAi) Array.Copy(lab, offset, before, 0, count);
        else Strips.ReadRows(aiLab!, y, rows, before);
        Strips.ForChunks(rows, (r0, r1) => CieLab.ToXyzVector(before, r0 * w * 3, r1 * w * 3));
        Encode(before, rows);
        var original = new float[count];
        Strips.ReadRows(upscaled.Colour, y, rows, original);
        Strips.ForChunks(rows, (r0, r1) =>
        {
            for (int i = r0 * w * 3, end = r1 * w * 3; i < end; i++) encoded[i] = original[i] + (encoded[i] - before[i]);
        });
    }

    /// <summary>
    /// True when encoding → Lab → encoding through <paramref name="profile"/> does not give back the encoded values within
    /// 1e-5 (float rounding), over a grid that includes overshoot below 0 and above 1. The built-in profiles' parametric
    /// curves extend past [0, 1] and round-trip; sampled curves and LUT profiles do not.
    /// </summary>
    private static bool Lossy(ColourProfile profile)
    {
        float[] levels = [-0.05f, 0, 0.002f, 0.02f, 0.1f, 0.3f, 0.55f, 0.8f, 1, 1.05f];
        var grid = new float[levels.Length * levels.Length * levels.Length * 3];
        var i = 0;
        foreach (var r in levels)
            foreach (var g in levels)
                foreach (var b in levels) (grid[i++], grid[i++], grid[i++]) = (r, g, b);
        var back = (float[])grid.Clone();
        using (var toXyz = LittleCms.Create(profile, LittleCms.PixelFormat.RgbFloat, null, LittleCms.PixelFormat.XyzFloat))
            toXyz.Transform(back, back, grid.Length / 3);
        CieLab.FromXyzVector(back, 0, back.Length);
        CieLab.ToXyzVector(back, 0, back.Length);
        using (var toRgb = LittleCms.Create(null, LittleCms.PixelFormat.XyzFloat, profile, LittleCms.PixelFormat.RgbFloat))
            toRgb.Transform(back, back, grid.Length / 3);
        for (var k = 0; k < grid.Length; k++)
            if (!(Math.Abs(back[k] - grid[k]) <= 1e-5f)) return true;
        return false;
    }

    // Colour samples (colour bands per pixel) and alpha from row `offset` of the weights plane, interleaved into output.
    private void Write(float[] colour, float[]? weights, int offset, int count, float[] output)
    {
        var colourBands = outBands - (weights is null ? 0 : 1);
        if (weights is null)
        {
            colour.AsSpan(0, count * colourBands).CopyTo(output);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            for (var c = 0; c < colourBands; c++) output[i * outBands + c] = colour[i * colourBands + c];
            output[i * outBands + colourBands] = weights[offset + i];
        }
    }

    // The 4-neighbour Laplacian's moments over image rows [y, y + rows) that have a row above and below (and columns 1..w−2),
    // as ImageMetrics.LaplacianVariance counts them; `plane` holds the band with Halo rows of context.
    private Moments Laplacian(float[] plane, int y, int rows)
    {
        if (w < 3 || h < 3) return default;
        int first = Math.Max(y, 1), last = Math.Min(y + rows, h - 1);
        var total = new Moments();
        var gate = new object();
        Strips.ForChunks(Math.Max(0, last - first), (r0, r1) =>
        {
            double sum = 0, squares = 0;
            for (var yy = first + r0; yy < first + r1; yy++)
            {
                var i = (yy - y + Halo) * w;
                for (var x = 1; x < w - 1; x++)
                {
                    var v = (float)((double)plane[i - w + x] + plane[i + x - 1] - 4.0 * plane[i + x] + plane[i + x + 1] + plane[i + w + x]);
                    sum += v;
                    squares += (double)v * v;
                }
            }
            lock (gate) total = total.Add(new Moments((long)(r1 - r0) * (w - 2), sum, squares));
        });
        return total;
    }

    // Box sums of the band's linear light (XYZ, premultiplied by alpha when there is one) for the drift figure.
    private double[] Boxes(float[] xyz, float[]? weights, int offset, int y, int rows)
    {
        int columns = (w + box - 1) / box, boxRows = (rows + box - 1) / box, channels = weights is null ? 3 : 4;
        var sums = new double[boxRows * columns * channels];
        for (var row = 0; row < rows; row++)
        {
            var at = row / box * columns * channels;
            for (var x = 0; x < w; x++)
            {
                var i = row * w + x;
                var cell = at + x / box * channels;
                var wt = weights is null ? 1f : weights[offset + i];
                sums[cell] += xyz[3 * i] * wt;
                sums[cell + 1] += xyz[3 * i + 1] * wt;
                sums[cell + 2] += xyz[3 * i + 2] * wt;
                if (weights is not null) sums[cell + 3] += wt;
            }
        }
        return sums;
    }

    /// <summary>
    /// Guided-filters L*, a*, b* (guide L*) of one region over its box plus the filter's reach, within the rows of the
    /// planes that are still the whole image's (<paramref name="valid"/> rows in from each end), and blends the result
    /// in by amount × weight on the rows whose filter reached only such rows or the crop's own edge.
    /// </summary>
    private void Soften(Region region, float[][] planes, int top, int n, int valid)
    {
        var reach = region.Reach;
        int cx = Math.Max(0, region.Left - reach), cy = Math.Max(0, region.Top - reach);
        int cw = Math.Min(w, region.Right + 1 + reach) - cx, cyEnd = Math.Min(h, region.Bottom + 1 + reach);
        int cropTop = Math.Max(cy, top + valid), cropEnd = Math.Min(cyEnd, top + n - valid);
        int blendTop = Math.Max(region.Top, cropTop == cy ? cropTop : cropTop + reach);
        int blendEnd = Math.Min(region.Bottom + 1, cropEnd == cyEnd ? cropEnd : cropEnd - reach);
        if (blendEnd <= blendTop) return;
        var ch = cropEnd - cropTop;
        var crops = planes.Select(plane => Crop(plane, cx, cropTop - top, cw, ch)).ToArray();
        var filtered = crops.Select(c => new float[c.Length]).ToArray();
        GuidedFilter.Apply(crops[0], crops, filtered, cw, ch, region.Params.Radius, region.Params.Edge * region.Params.Edge);

        var mask = new float[n * w];
        Strips.ReadRowsClamped(region.Mask, top + Halo, n - 2 * Halo, Halo, mask);
        var amount = (float)region.Params.Amount;
        Parallel.For(blendTop, blendEnd, ImageThreads.Options(), yy =>
        {
            for (var x = region.Left; x <= region.Right; x++)
            {
                var i = (yy - top) * w + x;
                var weight = amount * mask[i];
                if (weight <= 0) continue;
                var j = (yy - cropTop) * cw + (x - cx);
                for (var c = 0; c < 3; c++) planes[c][i] += weight * (filtered[c][j] - planes[c][i]);
            }
        });
    }

    private float[] Crop(float[] plane, int x, int row, int cw, int ch)
    {
        var crop = new float[cw * ch];
        for (var r = 0; r < ch; r++) plane.AsSpan((row + r) * w + x, cw).CopyTo(crop.AsSpan(r * cw, cw));
        return crop;
    }

    /// <summary>The report: every band's figures added up, computing the bands no one has read.</summary>
    public StageReport Report()
    {
        if (report is not null) return report;
        for (var band = 0; band < figures.Length; band++)
        {
            if (Volatile.Read(ref figures[band]) is not null) continue;
            cancel.ThrowIfCancellationRequested();
            var y = band * bandRows;
            var rows = Math.Min(bandRows, h - y);
            // The strip engine computes an image of one band whole; so does this.
            if (figures.Length == 1) rows = h;
            Compute(y, rows, new float[(long)rows * w * outBands]);
        }
        HaloTally haloBefore = new(), haloAfter = new();
        Moments sharpBefore = default, sharpLanczos = default, sharpAfter = default;
        foreach (var f in figures)
        {
            haloBefore.Add(f!.HaloBefore);
            haloAfter.Add(f.HaloAfter);
            (sharpBefore, sharpLanczos, sharpAfter) = (sharpBefore.Add(f.SharpBefore), sharpLanczos.Add(f.SharpLanczos), sharpAfter.Add(f.SharpAfter));
        }
        // Before and after are measured the same way (box means of linear light, then the drift measure's Lanczos3),
        // so that a small change between them is the cleanup's and not the method's.
        // Images with alpha are measured whole (reading the result once more): the box means of premultiplied light
        // have not been checked against the whole-image figure there.
        var exact = upscaled.IsGrey || alpha is not null;
        var driftBefore = exact ? ImageMetrics.DeltaE2000Mean(upscaled, source) : DriftBefore();
        var driftAfter = exact ? ImageMetrics.DeltaE2000Mean(Image, source) : DriftAfter();
        var m = new Dictionary<string, double>
        {
            ["scale"] = Math.Round(scale, 4),
            ["halo_before"] = Math.Round(haloBefore.Result().Score, 3),
            ["halo_after"] = Math.Round(haloAfter.Result().Score, 3),
            ["sharpness_before"] = Math.Round(sharpBefore.Variance, 3),
            ["sharpness_after"] = Math.Round(sharpAfter.Variance, 3),
            ["sharpness_lanczos"] = Math.Round(sharpLanczos.Variance, 3),
            ["colour_drift_de00_before"] = Math.Round(driftBefore, 4),
            ["colour_drift_de00_after"] = Math.Round(driftAfter, 4),
        };
        var softened = regions.Sum(r => r.Coverage);
        if (softened > 0) m["softened_percent"] = Math.Round(softened, 2);
        var warnings = new List<string>();
        if (sharpAfter.Variance < sharpLanczos.Variance)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"cleanup: sharpness {sharpAfter.Variance:0.#} is below the plain Lanczos upscale's {sharpLanczos.Variance:0.#}; raise cleanup.detail or lower cleanup.halo"));
        return report = new StageReport(warnings, m);
    }

    // The AI result's linear light (premultiplied, as LinearImage.Of makes it) in box means, read top to bottom once.
    private double DriftBefore()
    {
        var light = LinearImage.Of(upscaled).Light;
        int columns = (w + box - 1) / box, boxRows = (h + box - 1) / box, channels = light.Bands;
        var means = new float[boxRows * columns * channels];
        var readRows = box * Math.Max(1, Strips.DefaultBandRows / box);
        var samples = new float[readRows * w * channels];
        for (var y = 0; y < h; y += readRows)
        {
            cancel.ThrowIfCancellationRequested();
            var rows = Math.Min(readRows, h - y);
            Strips.ReadRows(light, y, rows, samples);
            Parallel.For(0, (rows + box - 1) / box, ImageThreads.Options(), br =>
            {
                var sums = new double[columns * channels];
                int r0 = br * box, r1 = Math.Min(rows, r0 + box);
                for (var r = r0; r < r1; r++)
                    for (var x = 0; x < w; x++)
                        for (var c = 0; c < channels; c++) sums[x / box * channels + c] += samples[(r * w + x) * channels + c];
                var at = (y / box + br) * columns * channels;
                for (var bx = 0; bx < columns; bx++)
                {
                    var pixels = (double)(r1 - r0) * Math.Min(box, w - bx * box);
                    for (var c = 0; c < channels; c++) means[at + bx * channels + c] = (float)(sums[bx * channels + c] / pixels);
                }
            });
        }
        return Drift(means, columns, boxRows, channels);
    }

    private double Drift(float[] means, int columns, int boxRows, int channels)
    {
        var light = NetVips.Image.NewFromMemoryCopy<float>(means, columns, boxRows, channels, Enums.BandFormat.Float);
        var (dw, dh) = ImageMetrics.DriftSizeOf(w, h, source);
        return ImageMetrics.DeltaE2000Mean(new LinearImage(light, channels == 4, upscaled.Profile), source, dw, dh);
    }

    // The box means of the result's linear light as a small image, taken the rest of the way by the drift measure.
    private double DriftAfter()
    {
        int columns = (w + box - 1) / box, boxRows = (h + box - 1) / box, channels = alpha is null ? 3 : 4;
        var means = new float[boxRows * columns * channels];
        for (var band = 0; band < figures.Length; band++)
        {
            var sums = figures[band]!.Boxes;
            var y = band * bandRows;
            var firstBox = y / box;
            var bandBoxes = sums.Length / (columns * channels);
            for (var by = 0; by < bandBoxes; by++)
            {
                var cellRows = Math.Min(box, h - (firstBox + by) * box);
                for (var bx = 0; bx < columns; bx++)
                {
                    var pixels = (double)cellRows * Math.Min(box, w - bx * box);
                    for (var c = 0; c < channels; c++)
                        means[((firstBox + by) * columns + bx) * channels + c] = (float)(sums[(by * columns + bx) * channels + c] / pixels);
                }
            }
        }
        return Drift(means, columns, boxRows, channels);
    }
}
