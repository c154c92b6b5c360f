using Burnish.Imaging;
using Burnish.Stages.Export.Marks;
using NetVips;

namespace Burnish.Stages.Export;

/// <summary>A copy rendered for its destination, in sRGB, ready to encode, and where its brand marks went.</summary>
public sealed record RenderedCopy(WorkImage Image, Destination Destination, StageReport Report)
{
    public IReadOnlyList<MarkRecord> Marks { get; init; } = [];
}

/// <summary>An encoded copy and the quality that produced it.</summary>
public sealed record EncodedCopy(byte[] Bytes, int Quality)
{
    /// <summary>What the container could not carry (metadata left out), one line each, for the sidecar.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The export stage's image functions: master conversion, per-destination rendering, budgeted encoding.</summary>
public static class Export
{
    /// <summary>The lowest quality a byte-budget search will go to before giving up.</summary>
    public const int MinBudgetQuality = 20;

    public static ColourProfile MasterProfile(MasterSpace space) => space switch
    {
        MasterSpace.AdobeRgb => ShippedProfiles.AdobeRgb,
        MasterSpace.Prophoto => ShippedProfiles.ProPhoto,
        _ => ShippedProfiles.DisplayP3,
    };

    /// <summary>The file-name part of a copy: its name, its preset id, or its custom size.</summary>
    public static string CopyName(CopyParams copy) => copy.Name ?? Destinations.Resolve(copy).Id;

    public static int Quality(CopyParams copy) => copy.Quality ?? copy.Format switch
    {
        CopyFormat.Jpeg => 88,
        CopyFormat.Webp => 85,
        CopyFormat.Avif => 60,
        _ => 100,
    };

    /// <summary>The master's pixels: the finished image in the master's wide-gamut space, at 16-bit precision.</summary>
    public static WorkImage Master(WorkImage finished, MasterParams master, string? scratch = null)
    {
        var converted = ColourSpaces.Convert(finished, MasterProfile(master.Space));
        // Round to the 16-bit values the file will hold, so copies are made from exactly what the master stores. Those
        // values are computed once and held as 16-bit (a third of a float copy): the master file, the linear light of
        // every copy and the attention crop all read them, and the stages before are streamed, not stored. With a
        // scratch folder, a master over a GiB (16384²) is held there instead (HeldImage), mapped by windows.
        var quantised = ColourSpaces.Quantise16(converted.Pixels);
        var stored = scratch is null ? quantised.CopyMemory() : HeldImage.Hold(quantised, scratch).Image;
        return converted.WithPixels(stored.Cast(Enums.BandFormat.Float) * (1.0 / 65535));
    }

    /// <summary>
    /// Resizes the master for one destination in linear light (<paramref name="linear"/>, made from
    /// <paramref name="master"/> by <see cref="LinearImage.Of"/>), output-sharpens it in the master's space, composites
    /// the copy's brand <paramref name="marks"/> onto the picture (so they are neither resampled nor sharpened), then
    /// converts to sRGB. Enlargement is done but warned about.
    /// </summary>
    public static RenderedCopy RenderCopy(WorkImage master, LinearImage linear, CopyParams copy, OutputSharpener sharpen, CopyMarks? marks = null)
    {
        var destination = Destinations.Resolve(copy);
        var warnings = new List<string>();
        var (outW, outH, fitW, fitH) = Geometry(destination, master.Width, master.Height);
        var crop = destination.Fit == Fit.Cover && destination.LongEdge is null
            ? CoverCrop(master, outW, outH, copy.Anchor)
            : (Left: 0, Top: 0, Width: master.Width, Height: master.Height);

        var scale = Math.Max((double)fitW / crop.Width, (double)fitH / crop.Height);
        if (scale > Enlarges)
            warnings.Add($"{destination.Id}: the master ({master.Width}×{master.Height}) is enlarged ×{scale:0.##} to {outW}×{outH}; an upscale stage would give real detail");

        var cropped = crop.Width == master.Width && crop.Height == master.Height
            ? linear
            : linear with { Light = linear.Light.Crop(crop.Left, crop.Top, crop.Width, crop.Height) };
        var resized = cropped.Resize(fitW, fitH);
        var target = new SharpenTarget(destination.Id, fitW, fitH, destination.Ppi, destination.Id.StartsWith("print-", StringComparison.Ordinal));
        var (sharpened, sharpenReport) = sharpen(resized, target);
        var (marked, placed) = BrandMarks.Apply(sharpened, marks ?? CopyMarks.None, CopyName(copy));
        var srgb = ColourSpaces.Convert(marked, ShippedProfiles.Srgb);
        if ((fitW, fitH) != (outW, outH))
        {
            srgb = srgb.WithPixels(Pad(srgb, outW, outH));
            // Marks sit on the picture, not on the paper around it; their boxes are given in the padded file's pixels.
            var (dx, dy) = ((outW - fitW) / 2, (outH - fitH) / 2);
            placed = [.. placed.Select(m => m with { X = m.X + dx, Y = m.Y + dy })];
        }
        var measurements = new Dictionary<string, double>(sharpenReport.Measurements) { ["scale"] = Math.Round(scale, 5) };
        return new RenderedCopy(srgb, destination, new StageReport([.. warnings, .. sharpenReport.Warnings], measurements)) { Marks = placed };
    }

    /// <summary>Encodes at the copy's quality, or, with a byte budget, at the highest quality that fits (binary search).</summary>
    public static EncodedCopy Encode(WorkImage srgb, CopyParams copy, OutputMetadata metadata)
    {
        var fitted = Encoded(srgb, copy, ImageFiles.FitMetadata(metadata, copy.Format, out var dropped));
        return dropped.Count == 0 ? fitted : fitted with { Warnings = [.. dropped.Select(w => $"{CopyName(copy)}: {w}")] };
    }

    private static EncodedCopy Encoded(WorkImage srgb, CopyParams copy, OutputMetadata metadata)
    {
        var quality = Quality(copy);
        var bytes = ImageFiles.Encode8(srgb, copy.Format, quality, copy.Effort, metadata);
        if (copy.MaxKb is not { } kb || bytes.Length <= kb * 1000L) return new EncodedCopy(bytes, quality);

        var budget = kb * 1000L;
        EncodedCopy? best = null;
        int lo = MinBudgetQuality, hi = quality - 1;
        while (lo <= hi)
        {
            var q = (lo + hi) / 2;
            var attempt = ImageFiles.Encode8(srgb, copy.Format, q, copy.Effort, metadata);
            if (attempt.Length <= budget) { best = new EncodedCopy(attempt, q); lo = q + 1; }
            else hi = q - 1;
        }
        return best ?? throw new BurnishException(
            $"{CopyName(copy)}: cannot meet max_kb {kb} even at quality {MinBudgetQuality} ({ImageFiles.Encode8(srgb, copy.Format, MinBudgetQuality, copy.Effort, metadata).Length / 1000} KB); raise max_kb or choose a smaller destination");
    }

    /// <summary>A resize factor above this is an enlargement (and warned about); below it, rounding.</summary>
    private const double Enlarges = 1.0001;

    /// <summary>
    /// The smallest master, at the aspect of a <paramref name="width"/>×<paramref name="height"/> image, from which no
    /// copy is enlarged: what an upscale to "cover the copies" aims at. The image's own size when it already covers them.
    /// </summary>
    public static (int Width, int Height) MasterCovering(IEnumerable<CopyParams> copies, int width, int height)
    {
        var destinations = copies.Select(Destinations.Resolve).ToList();
        var factor = destinations.Select(d => Enlargement(d, width, height)).DefaultIfEmpty(1).Max();
        if (factor <= Enlarges) return (width, height);
        // Sizes round to whole pixels, so the first guess may fall a pixel short; a few steps of one pixel settle it.
        for (var s = factor; ; s *= 1 + 0.5 / Math.Max(width, height))
        {
            var (w, h) = ((int)Math.Ceiling(width * s - 1e-9), (int)Math.Ceiling(height * s - 1e-9));
            if (destinations.All(d => Enlargement(d, w, h) <= Enlarges)) return (w, h);
        }
    }

    /// <summary>How much a <paramref name="width"/>×<paramref name="height"/> master is enlarged for <paramref name="destination"/> (≤ 1: not at all).</summary>
    public static double Enlargement(Destination destination, int width, int height)
    {
        var (outW, outH, fitW, fitH) = Geometry(destination, width, height);
        var (cropW, cropH) = destination.Fit == Fit.Cover && destination.LongEdge is null ? CoverSize(width, height, outW, outH) : (width, height);
        return Math.Max((double)fitW / cropW, (double)fitH / cropH);
    }

    /// <summary>A copy's file size and the size the master (or its cover crop) is resized to: smaller than the file when padded.</summary>
    private static (int OutW, int OutH, int FitW, int FitH) Geometry(Destination destination, int width, int height)
    {
        var (outW, outH) = destination.OutputSize(width, height);
        var (fitW, fitH) = destination.Fit == Fit.Pad && destination.LongEdge is null
            ? new Destination("", "", outW, outH, null, Fit.Contain, 0, false).OutputSize(width, height)
            : (outW, outH);
        return (outW, outH, fitW, fitH);
    }

    /// <summary>The size of the largest crop of a <paramref name="width"/>×<paramref name="height"/> image with the box's aspect ratio.</summary>
    private static (int Width, int Height) CoverSize(int width, int height, int boxW, int boxH)
    {
        var aspect = (double)boxW / boxH;
        return (double)width / height > aspect
            ? (Math.Max(1, (int)Math.Round(height * aspect)), height)
            : (width, Math.Max(1, (int)Math.Round(width / aspect)));
    }

    /// <summary>The crop of the master with the destination's aspect ratio, around its centre or its most salient region.</summary>
    private static (int Left, int Top, int Width, int Height) CoverCrop(WorkImage image, int boxW, int boxH, CropAnchor anchor)
    {
        var (cw, ch) = CoverSize(image.Width, image.Height, boxW, boxH);
        if (cw == image.Width && ch == image.Height) return (0, 0, cw, ch);
        double cx = image.Width / 2.0, cy = image.Height / 2.0;
        if (anchor == CropAnchor.Attention)
        {
            // Find the salient point on a small 8-bit preview; the crop itself is taken from the full master.
            var shrink = Math.Min(1.0, 512.0 / Math.Max(image.Width, image.Height));
            var preview = ColourSpaces.Quantise8(image.Colour.Resize(shrink)).Copy(interpretation: image.IsGrey ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb);
            var pw = Math.Clamp((int)Math.Round(cw * shrink), 1, preview.Width);
            var ph = Math.Clamp((int)Math.Round(ch * shrink), 1, preview.Height);
            using var _ = preview.Smartcrop(pw, ph, out var ax, out var ay, interesting: Enums.Interesting.Attention);
            (cx, cy) = (ax / shrink, ay / shrink);
        }
        var left = (int)Math.Clamp(Math.Round(cx - cw / 2.0), 0, image.Width - cw);
        var top = (int)Math.Clamp(Math.Round(cy - ch / 2.0), 0, image.Height - ch);
        return (left, top, cw, ch);
    }

    /// <summary>Centres the image on a white (or, with alpha, transparent) canvas: paper for print.</summary>
    private static Image Pad(WorkImage image, int w, int h)
    {
        double[] background = image.HasAlpha ? [.. Enumerable.Repeat(1.0, image.ColourBands), 0.0] : [.. Enumerable.Repeat(1.0, image.ColourBands)];
        return image.Pixels.Gravity(Enums.CompassDirection.Centre, w, h, extend: Enums.Extend.Background, background: background);
    }
}
