using Burnish.Imaging;

namespace Burnish.Stages;

/// <summary>Where a sharpened copy will be seen: its pixel size and, for print, its resolution.</summary>
public sealed record SharpenTarget(string DestinationId, int Width, int Height, int Ppi, bool IsPrint);

/// <summary>
/// How export asks for output sharpening (the sharpen stage provides it; export never imports that stage), once per destination, after the resize and before sRGB.
/// The image is in the master's colour space.
/// </summary>
public delegate (WorkImage Image, StageReport Report) OutputSharpener(WorkImage image, SharpenTarget target);

public static class OutputSharpening
{
    /// <summary>No output sharpening: a recipe without a sharpen section.</summary>
    public static OutputSharpener None { get; } = (image, _) => (image, StageReport.Empty);
}
