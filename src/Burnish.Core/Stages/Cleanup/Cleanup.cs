using System.Globalization;
using Burnish.Imaging;
using Burnish.Metrics;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The cleanup stage, after an AI upscale and before grading. Everything is measured against a classical upscale of
/// the source (Lanczos3 in linear light to the result's size) and done in CIE Lab (LittleCMS float, D50), in this
/// order: detail bands → colour-drift fix → halo clamp → masked softening. Alpha passes through untouched.
/// The report records the halo score, sharpness and colour drift before and after, and the Lanczos baseline.
/// </summary>
public static class Cleanup
{
    /// <summary>True when no control would change a pixel.</summary>
    public static bool IsIdentity(CleanupParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.Halo <= 0 && p.Detail >= 1 && (p.DetailFaces ?? 1) >= 1 && !p.Colour && p.Soften.All(s => s.Amount <= 0);
    }

    /// <summary>
    /// Cleans up <paramref name="upscaled"/> (the AI result) against <paramref name="source"/> (the image before the AI
    /// stage, usually smaller, same aspect ratio). Mask images named by <paramref name="p"/> are read here; the runner
    /// reads them up front instead with <see cref="SoftenMasks.Load"/> and the other overload.
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage upscaled, WorkImage source, CleanupParams p, CancellationToken cancel = default) =>
        Apply(upscaled, source, p, SoftenMasks.Load(p), cancel);

    /// <summary>
    /// Cleans up <paramref name="upscaled"/> with soften masks already decoded; <paramref name="faces"/> are the faces
    /// that take <c>detail_faces</c> (<see cref="FaceDetail"/>), found by the stage.
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage upscaled, WorkImage source, CleanupParams p, SoftenMasks masks,
        CancellationToken cancel = default, IReadOnlyList<FaceWeight>? faces = null)
    {
        ArgumentNullException.ThrowIfNull(upscaled);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(masks);
        CheckShapes(upscaled, source);
        if (IsIdentity(p)) return (upscaled, StageReport.Empty);

        int w = upscaled.Width, h = upscaled.Height;
        var scale = Math.Max((double)w / source.Width, (double)h / source.Height);
        var classical = ImageMetrics.ClassicalResize(source, w, h);
        var aiLab = ColourSpaces.ToLab(upscaled);
        var classicalLab = ColourSpaces.ToLab(classical);
        var classicalL = classicalLab[0].WriteToMemory<float>();
        var alpha = upscaled.Alpha?.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        var window = ImageMetrics.HaloWindow(scale);
        // The "before" figures first, so the AI result's L* plane is not held while the output is made.
        var before = Before(aiLab[0].WriteToMemory<float>(), classicalL, alpha, w, h, window, cancel);
        cancel.ThrowIfCancellationRequested();

        var lab = aiLab;
        if (p.Detail < 1) lab = DetailBands.Blend(lab, classicalLab, p.Detail, scale).CopyMemory();
        if (faces is { Count: > 0 } && FaceDetail.Applies(p))
        {
            var detailed = FaceDetail.Apply(lab, aiLab, classicalLab, p.DetailFaces!.Value, scale, faces);
            if (!ReferenceEquals(lab, aiLab)) lab.Dispose();
            lab = detailed;
        }
        cancel.ThrowIfCancellationRequested();
        if (p.Colour) lab = ColourMatch.Apply(lab, classicalLab, p.ColourRadius * scale, p.ColourLightness);
        cancel.ThrowIfCancellationRequested();
        var planes = Planes(lab); // read once, band by band, straight into the three planes
        // The two Lab images (a full float copy each, pinned by libvips) are done with: let them go before the output
        // is allocated, so the peak holds the planes and the output but not these.
        if (!ReferenceEquals(lab, aiLab)) lab.Dispose();
        aiLab.Dispose();
        classicalLab.Dispose();
        (aiLab, classicalLab, lab) = (null!, null!, null!);
        DroppedImages.Release();
        if (p.Halo > 0)
        {
            var clamped = new float[planes[0].Length];
            HaloClamp.Apply(planes[0], classicalL, clamped, w, h, window, p.Halo, HaloClamp.DefaultEdgeFloor, cancel);
            planes[0] = clamped;
        }
        var softened = 0.0;
        for (var i = 0; i < p.Soften.Count; i++)
        {
            if (p.Soften[i].Amount <= 0) continue;
            softened += Soften(planes, RegionMask(p.Soften[i], i, masks[i], w, h), p.Soften[i], w, h, cancel);
        }

        var converted = ColourSpaces.FromLabPlanes(planes[0], planes[1], planes[2], upscaled);
        var resultL = planes[0];
        planes = null!; // a* and b* are in the output now
        var colour = upscaled.IsGrey
            ? Image.NewFromMemoryCopy<float>(converted, w, h, upscaled.ColourBands, Enums.BandFormat.Float).Copy(interpretation: upscaled.Colour.Interpretation)
            : new PixelBuffer(w, h, 3, converted).AsImage(upscaled.Colour.Interpretation);
        var result = upscaled.WithPixels(ColourSpaces.WithAlpha(colour, upscaled.Alpha));

        cancel.ThrowIfCancellationRequested();
        return (result, Report(upscaled, result, source, before, resultL, classicalL, alpha, w, h, window, scale, softened, cancel));
    }

    private sealed record BeforeFigures(double Halo, double Sharpness, double SharpnessLanczos);

    private static BeforeFigures Before(float[] aiL, float[] classicalL, float[]? alpha, int w, int h, int window, CancellationToken cancel) =>
        new(HaloMeter.Measure(classicalL, aiL, alpha, w, h, window, HaloMeter.DefaultEdgeFloor, cancel).Score,
            ImageMetrics.LaplacianVariance(new Lightness(aiL, alpha, w, h)),
            ImageMetrics.LaplacianVariance(new Lightness(classicalL, alpha, w, h)));

    private static float[][] Planes(Image lab)
    {
        int w = lab.Width, h = lab.Height;
        float[][] planes = [new float[w * h], new float[w * h], new float[w * h]];
        var band = new float[Strips.DefaultBandRows * w * 3];
        for (var y = 0; y < h; y += Strips.DefaultBandRows)
        {
            var rows = Math.Min(Strips.DefaultBandRows, h - y);
            Strips.ReadRows(lab, y, rows, band);
            for (int i = 0, o = y * w; i < rows * w; i++, o++)
            {
                planes[0][o] = band[i * 3];
                planes[1][o] = band[i * 3 + 1];
                planes[2][o] = band[i * 3 + 2];
            }
        }
        return planes;
    }

    private static void CheckShapes(WorkImage upscaled, WorkImage source)
    {
        var ratio = (double)upscaled.Width / upscaled.Height / ((double)source.Width / source.Height);
        if (Math.Abs(ratio - 1) > 0.02)
            throw new BurnishException(string.Create(CultureInfo.InvariantCulture,
                $"cleanup: the source ({source.Width}×{source.Height}) and the upscaled image ({upscaled.Width}×{upscaled.Height}) do not have the same aspect ratio, so one cannot be compared with the other"));
        if (upscaled.Width < source.Width || upscaled.Height < source.Height)
            throw new BurnishException($"cleanup: the upscaled image ({upscaled.Width}×{upscaled.Height}) is smaller than its source ({source.Width}×{source.Height})");
    }

    /// <summary>A region's weight plane at the output size: its mask resized, or its box, feathered.</summary>
    private static float[] RegionMask(SoftenRegion region, int index, Image? decoded, int w, int h)
    {
        Image mask;
        if (region.Box is { Length: > 0 } text)
        {
            var box = SoftenRegion.ParseBox(text) ?? throw new BurnishException($"cleanup.soften[{index}].box: '{text}' is not x,y,w,h");
            int x0 = Math.Max(0, box.X), y0 = Math.Max(0, box.Y), x1 = Math.Min(w, box.X + box.Width), y1 = Math.Min(h, box.Y + box.Height);
            if (x1 <= x0 || y1 <= y0)
                throw new BurnishException($"cleanup.soften[{index}].box {box} lies outside the {w}×{h} image");
            mask = (Image.Black(x1 - x0, y1 - y0) + 1.0).Cast(Enums.BandFormat.Float).Embed(x0, y0, w, h);
        }
        else
        {
            if (decoded is null)
                throw new BurnishException(region.Auto is null
                    ? $"cleanup.soften[{index}].mask '{region.Mask}' was not loaded"
                    : $"cleanup.soften[{index}].auto: the mask is found per image by the cleanup stage (CleanupStage), not given");
            var ratio = (double)decoded.Width / decoded.Height / ((double)w / h);
            if (Math.Abs(ratio - 1) > 0.02)
                throw new BurnishException($"cleanup.soften[{index}].mask '{region.Mask}' is {decoded.Width}×{decoded.Height}, not the image's aspect ratio ({w}×{h})");
            mask = decoded.Width == w && decoded.Height == h ? decoded : DetailBands.ResizeTo(decoded, w, h);
        }
        if (region.Feather > 0) mask = mask.Gaussblur(region.Feather, minAmpl: 0.01, precision: Enums.Precision.Float);
        return mask.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
    }

    /// <summary>
    /// Guided-filters L*, a*, b* (guide L*) over the mask's bounding box plus the filter's reach, and blends the result
    /// in by amount × mask. Returns the mask's share of the image, in %.
    /// </summary>
    private static double Soften(float[][] planes, float[] mask, SoftenRegion region, int w, int h, CancellationToken cancel)
    {
        const float Ignore = 1e-3f;
        int left = w, top = h, right = -1, bottom = -1;
        double coverage = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var m = mask[y * w + x];
                coverage += m;
                if (m <= Ignore) continue;
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                top = Math.Min(top, y);
                bottom = Math.Max(bottom, y);
            }
        if (right < 0) return 0;

        // The filter at a pixel reads up to 2r away (box means of box means).
        var reach = 2 * region.Radius;
        int cx = Math.Max(0, left - reach), cy = Math.Max(0, top - reach);
        int cw = Math.Min(w, right + 1 + reach) - cx, ch = Math.Min(h, bottom + 1 + reach) - cy;
        var crops = planes.Select(plane => Crop(plane, w, cx, cy, cw, ch)).ToArray();
        var filtered = crops.Select(c => new float[c.Length]).ToArray();
        GuidedFilter.Apply(crops[0], crops, filtered, cw, ch, region.Radius, region.Edge * region.Edge, cancel);

        var amount = (float)region.Amount;
        Parallel.For(top, bottom + 1, new ParallelOptions { CancellationToken = cancel }, y =>
        {
            for (var x = left; x <= right; x++)
            {
                var weight = amount * mask[y * w + x];
                if (weight <= 0) continue;
                var i = y * w + x;
                var j = (y - cy) * cw + (x - cx);
                for (var c = 0; c < 3; c++) planes[c][i] += weight * (filtered[c][j] - planes[c][i]);
            }
        });
        return 100 * coverage / ((double)w * h);
    }

    private static float[] Crop(float[] plane, int w, int x, int y, int cw, int ch)
    {
        var crop = new float[cw * ch];
        for (var row = 0; row < ch; row++) plane.AsSpan((y + row) * w + x, cw).CopyTo(crop.AsSpan(row * cw, cw));
        return crop;
    }

    private static StageReport Report(WorkImage upscaled, WorkImage result, WorkImage source, BeforeFigures before, float[] resultL, float[] classicalL,
        float[]? alpha, int w, int h, int window, double scale, double softened, CancellationToken cancel)
    {
        var (haloBefore, sharpBefore, sharpLanczos) = (before.Halo, before.Sharpness, before.SharpnessLanczos);
        var haloAfter = HaloMeter.Measure(classicalL, resultL, alpha, w, h, window, HaloMeter.DefaultEdgeFloor, cancel).Score;
        var sharpAfter = ImageMetrics.LaplacianVariance(new Lightness(resultL, alpha, w, h));
        var driftBefore = ImageMetrics.DeltaE2000Mean(upscaled, source);
        var driftAfter = ImageMetrics.DeltaE2000Mean(result, source);
        var m = new Dictionary<string, double>
        {
            ["scale"] = Math.Round(scale, 4),
            ["halo_before"] = Math.Round(haloBefore, 3),
            ["halo_after"] = Math.Round(haloAfter, 3),
            ["sharpness_before"] = Math.Round(sharpBefore, 3),
            ["sharpness_after"] = Math.Round(sharpAfter, 3),
            ["sharpness_lanczos"] = Math.Round(sharpLanczos, 3),
            ["colour_drift_de00_before"] = Math.Round(driftBefore, 4),
            ["colour_drift_de00_after"] = Math.Round(driftAfter, 4),
        };
        if (softened > 0) m["softened_percent"] = Math.Round(softened, 2);
        var warnings = new List<string>();
        if (sharpAfter < sharpLanczos)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"cleanup: sharpness {sharpAfter:0.#} is below the plain Lanczos upscale's {sharpLanczos:0.#}; raise cleanup.detail or lower cleanup.halo"));
        return new StageReport(warnings, m);
    }
}
