using Burnish.Imaging;
using Burnish.Pipeline;

namespace Burnish.Stages.Sharpen;

/// <summary>Where a sharpened copy will be seen: its pixel size and, for print, its resolution.</summary>
public sealed record SharpenTarget(string DestinationId, int Width, int Height, int Ppi, bool IsPrint);

/// <summary>
/// The sharpen stage's interface as export calls it, once per destination, after the resize and before sRGB.
/// The image is in the master's colour space.
/// </summary>
public delegate (WorkImage Image, StageReport Report) OutputSharpener(WorkImage image, SharpenTarget target);

public static class OutputSharpening
{
    /// <summary>No output sharpening: what runs until the sharpen stage is built (recorded as such in the sidecar).</summary>
    public static OutputSharpener None { get; } = (image, _) => (image, StageReport.Empty);
}
