using System.Globalization;
using Burnish.Imaging;
using Burnish.Metrics;
using NetVips;

namespace Burnish.Stages.Sharpen;

/// <summary>
/// The sharpen stage: output sharpening for one destination copy, after its resize and before sRGB.
/// <para>
/// Only CIE L* is sharpened (LittleCMS float Lab, D50); a* and b* of every pixel are carried back unchanged, so
/// colours cannot fringe. The mask is <see cref="UnsharpMask"/> with the radius of <see cref="SharpenRadius"/>;
/// its fringe guard bounds halos, and <see cref="HaloMeter"/> measures what is left. Pixels whose L* did not change
/// are returned bit for bit, alpha always is. Formula and defaults: docs/sharpening.md.
/// </para>
/// </summary>
public static class Sharpen
{
    /// <summary>The closure the export stage is handed: the same parameters for every destination.</summary>
    public static OutputSharpener Sharpener(SharpenParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return (image, target) => ForDestination(image, p, target);
    }

    /// <summary>
    /// Sharpens <paramref name="image"/> (float 0–1 in its own profile, any alpha) for <paramref name="target"/>.
    /// Amount 0 returns the input itself. The report holds the radius used, the share of pixels changed, the halo
    /// measurements and, above <see cref="SharpenParams.WarnHalo"/>, an "over-sharpened" warning.
    /// </summary>
    public static (WorkImage Image, StageReport Report) ForDestination(WorkImage image, SharpenParams p, SharpenTarget target,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(target);
        if (p.Amount <= 0) return (image, StageReport.Empty);

        var sigma = SharpenRadius.For(target, p);
        var settings = UnsharpSettings.For(sigma, p);
        int w = image.Width, h = image.Height;

        if (!image.IsGrey) return ForRgb(image, p, target, sigma, settings, cancel);

        var lab = ColourSpaces.ToLab(image).WriteToMemory<float>();
        var lightness = new float[(long)w * h];
        for (long i = 0; i < lightness.LongLength; i++) lightness[i] = lab[i * 3];
        var alpha = image.Alpha is { } a ? a.Cast(Enums.BandFormat.Float).WriteToMemory<float>() : null;
        cancel.ThrowIfCancellationRequested();

        var sharpened = new float[lightness.LongLength];
        UnsharpMask.Apply(lightness, alpha, sharpened, w, h, settings, cancel);
        var halo = HaloMeter.Measure(lightness, sharpened, alpha, w, h, settings.Window, HaloMeter.DefaultEdgeFloor, cancel);

        var changed = Changed(lightness, sharpened);
        var report = Report(p, target, sigma, halo, changed.Length, lightness.LongLength);
        if (changed.Length == 0) return (image, report);

        // Only the pixels whose L* moved go back through LittleCMS; every other pixel keeps its exact input value.
        for (var j = 0; j < changed.Length; j++) lab[changed[j] * 3L] = sharpened[changed[j]];
        var bands = image.ColourBands;
        var greyColour = image.Colour.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        var converted = ColourSpaces.FromLabSamples(Gather(lab, changed), image);
        for (var j = 0; j < changed.Length; j++)
            for (var c = 0; c < bands; c++)
                greyColour[changed[j] * (long)bands + c] = converted[j * bands + c];

        var pixels = Image.NewFromMemoryCopy<float>(greyColour, w, h, bands, Enums.BandFormat.Float)
            .Copy(interpretation: image.Colour.Interpretation);
        return (image.WithPixels(ColourSpaces.WithAlpha(pixels, image.Alpha)), report);
    }

    /// <summary>
    /// RGB without a full Lab copy: the pixels are read once into one managed array; L* is computed from them chunk by
    /// chunk (the matrix/TRC shortcut's XYZ, then the CIE formula, in the very chunks <see cref="ColourSpaces.ToLab"/>
    /// uses, so every value is the same to the bit); a* and b* are recomputed only for the pixels whose L* moved, and
    /// those go back in slices laid out as <see cref="ColourSpaces.FromLabSamples"/> lays them out. The result wraps the
    /// array without a copy.
    /// </summary>
    private static (WorkImage Image, StageReport Report) ForRgb(WorkImage image, SharpenParams p, SharpenTarget target, double sigma,
        UnsharpSettings settings, CancellationToken cancel)
    {
        int w = image.Width, h = image.Height;
        var n = w * h;
        var colour = PixelBuffer.From(image.Colour).Data;
        var lightness = new float[n];
        using var toXyz = LittleCms.Create(image.Profile, LittleCms.PixelFormat.RgbFloat, null, LittleCms.PixelFormat.XyzFloat);
        const int ChunkPixels = CieLab.ChunkSamples / 3;
        var chunks = (n + ChunkPixels - 1) / ChunkPixels;
        Parallel.For(0, chunks, ImageThreads.Options(cancel), () => new float[CieLab.ChunkSamples], (c, _, scratch) =>
        {
            int p0 = c * ChunkPixels, count = Math.Min(ChunkPixels, n - p0);
            toXyz.Transform(colour.AsSpan(p0 * 3, count * 3), scratch, count);
            CieLab.FromXyzRange(scratch, 0, count * 3);
            for (var i = 0; i < count; i++) lightness[p0 + i] = scratch[i * 3];
            return scratch;
        }, _ => { });
        var alpha = image.Alpha is { } a ? PixelBuffer.From(a).Data : null;
        cancel.ThrowIfCancellationRequested();

        var sharpened = new float[n];
        UnsharpMask.Apply(lightness, alpha, sharpened, w, h, settings, cancel);
        var halo = HaloMeter.Measure(lightness, sharpened, alpha, w, h, settings.Window, HaloMeter.DefaultEdgeFloor, cancel);

        var changed = Changed(lightness, sharpened);
        var report = Report(p, target, sigma, halo, changed.Length, n);
        if (changed.Length == 0) return (image, report);

        // Pixels in ToLab's scalar tail (the last n mod 8) got their Lab from the scalar curve; the rest from the vector one.
        var scalarFrom = n - n % 8;
        using var toRgb = LittleCms.Create(null, LittleCms.PixelFormat.XyzFloat, image.Profile, LittleCms.PixelFormat.RgbFloat);
        var slices = (changed.Length + ChunkPixels - 1) / ChunkPixels;
        Parallel.For(0, slices, ImageThreads.Options(cancel), s =>
        {
            int j0 = s * ChunkPixels, count = Math.Min(ChunkPixels, changed.Length - j0);
            var slice = new float[(count + 7) / 8 * 8 * 3]; // padded to whole vector groups: every real pixel takes the vector path
            for (var j = 0; j < count; j++) colour.AsSpan(changed[j0 + j] * 3, 3).CopyTo(slice.AsSpan(j * 3, 3));
            toXyz.Transform(slice.AsSpan(0, count * 3), slice, count); // per pixel: the same bits wherever a pixel sits
            CieLab.FromXyzRange(slice, 0, slice.Length);
            for (var j = 0; j < count; j++)
            {
                var pixel = changed[j0 + j];
                if (pixel < scalarFrom) continue;
                var tail = new float[3];
                toXyz.Transform(colour.AsSpan(pixel * 3, 3), tail, 1);
                CieLab.FromXyzRange(tail, 0, 3);
                tail.CopyTo(slice, j * 3);
            }
            for (var j = 0; j < count; j++) slice[j * 3] = sharpened[changed[j0 + j]];
            // FromLabSamples brings all changed pixels back as one array in chunks of ChunkSamples: these slices are those
            // chunks. That array is padded to rows of 4096 pixels (no scalar tail) unless fewer than 4096 pixels changed.
            CieLab.ToXyzRange(slice, 0, changed.Length >= 4096 ? slice.Length : count * 3);
            toRgb.Transform(slice.AsSpan(0, count * 3), slice, count);
            for (var j = 0; j < count; j++) slice.AsSpan(j * 3, 3).CopyTo(colour.AsSpan(changed[j0 + j] * 3, 3));
        });
        var wrapped = new PixelBuffer(w, h, 3, colour).AsImage(image.Colour.Interpretation);
        return (image.WithPixels(ColourSpaces.WithAlpha(wrapped, image.Alpha)), report);
    }

    /// <summary>The sidecar text of the halo warning: "over-sharpened: halo N % above local max".</summary>
    public static string HaloWarning(string destination, double percent, bool bright) => bright
        ? string.Create(CultureInfo.InvariantCulture, $"{destination}: over-sharpened: halo {percent:0.#} % above local max; lower sharpen.amount or sharpen.guard")
        : string.Create(CultureInfo.InvariantCulture, $"{destination}: over-sharpened: dark halo {percent:0.#} % below local min; lower sharpen.amount or sharpen.guard");

    private static StageReport Report(SharpenParams p, SharpenTarget target, double sigma, HaloMeasurement halo, int changed, long pixels)
    {
        var m = new Dictionary<string, double>
        {
            ["radius_px"] = Math.Round(sigma, 3),
            ["sharpened_percent"] = Math.Round(100.0 * changed / pixels, 2),
            ["edge_percent"] = Math.Round(100.0 * halo.EdgePixels / pixels, 2),
            ["overshoot_percent"] = Math.Round(halo.OvershootPercent, 2),
            ["undershoot_percent"] = Math.Round(halo.UndershootPercent, 2),
            ["acutance_gain"] = Math.Round(halo.AcutanceGain, 4),
        };
        if (target.IsPrint && p.Radius is null)
            m["viewing_distance_cm"] = Math.Round(p.ViewingDistanceCm ?? SharpenRadius.DefaultViewingDistanceCm(target.Width, target.Height, target.Ppi), 1);
        var warnings = new List<string>();
        if (halo.OvershootPercent > p.WarnHalo) warnings.Add(HaloWarning(target.DestinationId, halo.OvershootPercent, bright: true));
        if (halo.UndershootPercent > p.WarnHalo) warnings.Add(HaloWarning(target.DestinationId, halo.UndershootPercent, bright: false));
        return new StageReport(warnings, m);
    }

    private static int[] Changed(float[] before, float[] after)
    {
        var count = 0;
        for (var i = 0; i < before.Length; i++)
            if (before[i] != after[i]) count++;
        var changed = new int[count];
        for (int i = 0, j = 0; i < before.Length; i++)
            if (before[i] != after[i]) changed[j++] = i;
        return changed;
    }

    // The changed pixels' Lab, packed into a near-square float image for LittleCMS (padding is L* 0: black).
    private static Image Gather(float[] lab, int[] changed)
    {
        var width = Math.Min(changed.Length, 4096);
        var height = (changed.Length + width - 1) / width;
        var packed = new float[(long)width * height * 3];
        for (var j = 0; j < changed.Length; j++)
        {
            var src = changed[j] * 3L;
            packed[j * 3L] = lab[src];
            packed[j * 3L + 1] = lab[src + 1];
            packed[j * 3L + 2] = lab[src + 2];
        }
        return Image.NewFromMemoryCopy<float>(packed, width, height, 3, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Lab);
    }
}
