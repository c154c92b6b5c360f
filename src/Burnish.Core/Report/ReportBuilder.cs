using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Pipeline;
using Burnish.Stages.Export;
using NetVips;

namespace Burnish.Report;

/// <summary>
/// Builds a <see cref="CompareReport"/>: decodes each version once, in order, and keeps only what the page needs
/// (encoded images, histograms, metrics), so a handful of 4096² versions never sit in memory together.
/// Everything is shown and measured in sRGB (wide-gamut versions are converted unbounded, clipped only when encoded).
/// </summary>
public static class ReportBuilder
{
    /// <summary>Long edge of the overview that marks where the crops are.</summary>
    public const int OverviewEdge = 480;

    /// <summary>
    /// Reads every version and the reference (<paramref name="reference"/>, else the first version). Throws
    /// <see cref="BurnishException"/> for fewer than two versions or any unreadable image, before anything is encoded.
    /// </summary>
    public static CompareReport Build(IReadOnlyList<VersionSource> versions, string? reference, ReportOptions options, LoadLimits limits,
        IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        if (versions.Count < 2)
            throw new BurnishException($"compare needs at least two versions, got {versions.Count}");
        // Headers first: a missing or unreadable file fails before any pixel is decoded.
        var facts = versions.Select(v => ImageLoader.Inspect(v.Path, limits).Facts).ToList();
        if (reference is not null) ImageLoader.Inspect(reference, limits);
        var sizes = facts.Select(Upright).ToList();

        var framed = sizes.Select(s => SameFraming(s, sizes[0])).ToList();
        var frame = Enumerable.Range(0, sizes.Count).Where(i => framed[i]).MaxBy(i => (long)sizes[i].Width * sizes[i].Height);
        var (frameW, frameH) = sizes[frame];

        var referenceIndex = reference is null ? 0 : versions.ToList().FindIndex(v => Path.GetFullPath(v.Path) == Path.GetFullPath(reference));
        progress?.Report($"reading the reference {reference ?? versions[0].Path}");
        var referenceImage = Srgb(ImageLoader.Load(reference ?? versions[0].Path, limits).Image);
        var referenceSize = (referenceImage.Width, referenceImage.Height);

        progress?.Report($"choosing crops in {versions[frame].Path}");
        // Kept until its turn below, so the largest version is decoded once.
        WorkImage? frameImage = frame == referenceIndex ? referenceImage : Srgb(ImageLoader.Load(versions[frame].Path, limits).Image);
        var crops = CropPlanner.Plan(frameImage.Colour, options.Crops, options.CropSize, cancel);
        var overview = Overview(frameImage);

        var lineages = SidecarLookup.Find([.. versions.Select(v => v.Path)]);
        var labels = Labels(versions);
        var views = new List<VersionView>();
        var cropImages = crops.Select(_ => new ReportAsset?[versions.Count]).ToList();
        var cropRegions = crops.Select(_ => new PixelRect?[versions.Count]).ToList();
        for (var i = 0; i < versions.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report($"measuring {versions[i].Path}");
            var image = i == referenceIndex ? referenceImage
                : i == frame && frameImage is not null ? frameImage
                : Srgb(ImageLoader.Load(versions[i].Path, limits).Image);
            if (i == frame) frameImage = null;
            var n = i + 1;
            var display = new ReportAsset($"v{n}{(image.HasAlpha ? ".webp" : ".jpg")}", image.HasAlpha ? "image/webp" : "image/jpeg",
                ImageFiles.Encode8(image, image.HasAlpha ? CopyFormat.Webp : CopyFormat.Jpeg, options.DisplayQuality, 4, OutputMetadata.Bare(72)));
            if (framed[i])
            {
                for (var c = 0; c < crops.Count; c++)
                {
                    var r = crops[c].Region.Scale(frameW, frameH, image.Width, image.Height);
                    cropRegions[c][i] = r;
                    var pixels = image.WithPixels(image.Pixels.ExtractArea(r.Left, r.Top, r.Width, r.Height));
                    cropImages[c][i] = new ReportAsset($"crop{crops[c].Number}-v{n}.png", "image/png",
                        ImageFiles.Encode8(pixels, CopyFormat.Png, 100, 4, OutputMetadata.Bare(72)));
                }
            }
            // The reference figures only mean something between images of the same framing.
            var compared = i != referenceIndex && SameFraming((image.Width, image.Height), referenceSize);
            var metrics = AtCommonScale(ImageMetrics.Measure(image, compared ? referenceImage : null, cancel), image, framed[i], frameW, frameH, cancel);
            var histogram = Histogram.Of(ColourSpaces.Quantise8(image.Colour), image.Alpha is { } alpha ? ColourSpaces.Quantise8(alpha) : null);
            views.Add(new VersionView(n, Path.GetFullPath(versions[i].Path), labels[i], image.Width, image.Height, facts[i], framed[i],
                i == referenceIndex, compared, display, metrics, histogram, lineages[i]));
        }

        var referenceText = reference is null
            ? $"version 1 ({labels[0]})"
            : referenceIndex >= 0 ? $"version {referenceIndex + 1} ({labels[referenceIndex]})" : Path.GetFullPath(reference);
        return new CompareReport(string.Join(" vs ", labels), DateTimeOffset.Now, Finisher.ToolVersion, referenceText,
            frame, frameW, frameH, views,
            [.. crops.Select((c, k) => new CropView(c, cropRegions[k], cropImages[k]))], overview);
    }

    /// <summary>
    /// What a finished image's report compares, from its sidecar: the source, every kept intermediate in stage order,
    /// then the master. Files the sidecar lists that are no longer on disk are left out.
    /// </summary>
    public static IReadOnlyList<VersionSource> FinishedVersions(Lineage lineage, string sidecarPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(sidecarPath))!;
        var versions = new List<VersionSource> { new(lineage.Input.Path, "source") };
        versions.AddRange(lineage.Intermediates.OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => new VersionSource(Path.Combine(dir, f.Path), f.Role.StartsWith("stage:", StringComparison.Ordinal) ? f.Role["stage:".Length..] : f.Role)));
        versions.AddRange(lineage.Outputs.Where(f => f.Role == "master").Select(f => new VersionSource(Path.Combine(dir, f.Path), "master")));
        return [.. versions.Where(v => File.Exists(v.Path))];
    }

    /// <summary>Where <c>finish --report</c> puts an image's report: BASE.report.html beside BASE.burnish.json.</summary>
    public static string FinishedReportPath(string sidecarPath) =>
        (sidecarPath.EndsWith(".burnish.json", StringComparison.Ordinal) ? sidecarPath[..^".burnish.json".Length] : Path.ChangeExtension(sidecarPath, null)) + ".report.html";

    /// <summary>
    /// Same framing: scaling one size to the other's width gives the other's height within a pixel (a resize that
    /// keeps the aspect ratio rounds to whole pixels).
    /// </summary>
    public static bool SameFraming((int Width, int Height) a, (int Width, int Height) b) =>
        Math.Abs((double)a.Width * b.Height / b.Width - a.Height) <= Math.Max(1.0, a.Height * 0.002);

    /// <summary>
    /// Sharpness, acutance and noise are per-pixel figures: a 512² source beats its own 4× upscale on them because its
    /// pixels are four times larger. A version framed like the largest is therefore measured at the largest's size,
    /// enlarged as the export stage enlarges (Lanczos3 in linear light), which is how the two would be seen side by side.
    /// </summary>
    private static MetricSet AtCommonScale(MetricSet own, WorkImage image, bool framed, int frameW, int frameH, CancellationToken cancel)
    {
        if (!framed || (image.Width == frameW && image.Height == frameH)) return own;
        var common = ImageMetrics.ClassicalResize(image, frameW, frameH);
        cancel.ThrowIfCancellationRequested();
        return own with
        {
            Sharpness = ImageMetrics.LaplacianVariance(common),
            Acutance = ImageMetrics.Acutance(common, cancel),
            Noise = ImageMetrics.NoiseSigma(common),
        };
    }

    private static (int Width, int Height) Upright(ImageFacts f) => f.Orientation is >= 5 and <= 8 ? (f.Height, f.Width) : (f.Width, f.Height);

    private static WorkImage Srgb(WorkImage image) => ColourSpaces.Convert(image, ShippedProfiles.Srgb);

    private static ReportAsset Overview(WorkImage frame)
    {
        var scale = Math.Min(1.0, (double)OverviewEdge / Math.Max(frame.Width, frame.Height));
        var small = frame.WithPixels(frame.Colour.Resize(scale, kernel: Enums.Kernel.Lanczos3));
        return new ReportAsset("overview.jpg", "image/jpeg", ImageFiles.Encode8(small, CopyFormat.Jpeg, 85, 4, OutputMetadata.Bare(72)));
    }

    /// <summary>File names, widened with their folder where two are alike, and numbered where still alike.</summary>
    private static IReadOnlyList<string> Labels(IReadOnlyList<VersionSource> versions)
    {
        var labels = versions.Select(v => v.Label ?? Path.GetFileName(v.Path)).ToList();
        for (var i = 0; i < labels.Count; i++)
        {
            if (versions[i].Label is not null || labels.Count(l => l == labels[i]) == 1) continue;
            var full = Path.GetFullPath(versions[i].Path);
            labels[i] = Path.Combine(Path.GetFileName(Path.GetDirectoryName(full)) ?? "", Path.GetFileName(full));
        }
        return [.. labels.Select((l, i) => labels.Take(i).Contains(l) ? $"{l} ({labels.Take(i).Count(x => x == l) + 1})" : l)];
    }
}
