using Burnish.Schema;

namespace Burnish.Stages.Grade.Lut;

/// <summary>A creative LUT in the grade: which file, and how much of it.</summary>
public sealed record LutParams : ISelfValidating
{
    [Doc("The LUT file: a .cube (3D, 3D with a 1D shaper, or 1D only) or a HaldCLUT image (.png, .tif). It is applied to sRGB-encoded values, as creative LUTs expect; values outside the LUT's domain are clamped to it, as in ffmpeg.")]
    public string File { get; init; } = "";

    [Doc("How much of the LUT to apply: 0 leaves the image as it is, 1 applies it fully; between, the result is blended with the original.")]
    [Range(0, 1)]
    public double Strength { get; init; } = 1;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(File))
            yield return ("file", "a LUT needs a file: a .cube or a HaldCLUT .png/.tif");
        else if (!LutFile.IsSupported(File))
            yield return ("file", $"'{File}' is not a LUT format Burnish reads: use a .cube file or a HaldCLUT image (.png, .tif, .tiff)");
    }
}
