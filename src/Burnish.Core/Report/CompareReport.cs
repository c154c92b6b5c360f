using Burnish.Imaging;
using Burnish.Metrics;

namespace Burnish.Report;

/// <summary>One image to compare, and the label to show for it (default: its file name).</summary>
public sealed record VersionSource(string Path, string? Label = null);

/// <summary>An encoded image the page shows: embedded as a data URI or written beside the page under <see cref="Name"/>.</summary>
public sealed record ReportAsset(string Name, string MediaType, byte[] Bytes);

/// <summary>Everything the report shows about one version.</summary>
/// <param name="Number">1-based, in the order given.</param>
/// <param name="Path">Full path of the file.</param>
/// <param name="Label">What the page calls it.</param>
/// <param name="Width">Pixels across, upright.</param>
/// <param name="Height">Pixels down, upright.</param>
/// <param name="Facts">The file's format, depth and profile.</param>
/// <param name="SameFraming">Same aspect ratio as the frame version (within a pixel), so crops and 100 % views line up.</param>
/// <param name="IsReference">This version is the reference the metrics compare against.</param>
/// <param name="ComparedToReference">The reference figures (ΔE00, PSNR, SSIM) were measured for this version.</param>
/// <param name="Display">The whole version, sRGB, for the slider.</param>
/// <param name="Metrics">Measured on the sRGB pixels; reference figures only where <paramref name="ComparedToReference"/>.</param>
/// <param name="Histogram">Of the displayed 8-bit sRGB pixels.</param>
/// <param name="Lineage">The sidecar that lists this file, if any.</param>
public sealed record VersionView(
    int Number, string Path, string Label, int Width, int Height, ImageFacts Facts, bool SameFraming, bool IsReference,
    bool ComparedToReference, ReportAsset Display, MetricSet Metrics, Histogram Histogram, VersionLineage? Lineage);

/// <summary>One same-place crop: where it is in the frame version, and its pixels in every version (null where the framing differs).</summary>
public sealed record CropView(DetailCrop Crop, IReadOnlyList<PixelRect?> Regions, IReadOnlyList<ReportAsset?> Images);

/// <summary>
/// The model of a compare report. The frame version is the largest version framed like the first one: crops are
/// chosen in its pixels and the 100 % view shows every version at its size.
/// </summary>
public sealed record CompareReport(
    string Title, DateTimeOffset Created, string ToolVersion, string Reference,
    int FrameVersion, int FrameWidth, int FrameHeight,
    IReadOnlyList<VersionView> Versions, IReadOnlyList<CropView> Crops, ReportAsset? Overview)
{
    /// <summary>Every image the page refers to, each once.</summary>
    public IEnumerable<ReportAsset> Assets =>
        Versions.Select(v => v.Display)
            .Concat(Crops.SelectMany(c => c.Images.OfType<ReportAsset>()))
            .Concat(Overview is null ? [] : [Overview]);
}
