using Burnish.Recipes;
using Burnish.Schema;

namespace Burnish.Report;

/// <summary>What a compare report shows. Keys are bound and range-checked like a recipe section (crops, crop_size, display_quality).</summary>
public sealed record ReportOptions
{
    public static ReportOptions Default { get; } = new();

    [Doc("How many same-place crops to show every version at 100 %: the regions with the most fine detail, not overlapping. 0 shows none.")]
    [Range(0, 16)]
    public int Crops { get; init; } = 4;

    [Doc("Side of each crop square in the largest version's pixels; at most half its shorter side.")]
    [Range(32, 1024)]
    public int CropSize { get; init; } = 256;

    [Doc("JPEG quality of the full-size display images (WebP where a version has alpha). Crops are always lossless PNG.")]
    [Range(50, 100)]
    public int DisplayQuality { get; init; } = 92;
}

/// <summary>Where a report's images go: inside the HTML as data URIs, or as files in a NAME_files folder beside it.</summary>
public enum ImagePlacement { Embed, Beside }
