using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Grade;

/// <summary>
/// A look on a small copy of an image, fast enough to follow a person choosing (the studio's live preview and the
/// contact sheet): the copy is made once in linear light, then each look is graded and shown in sRGB.
/// </summary>
public static class LookPreview
{
    /// <summary>
    /// A copy no longer than <paramref name="longEdge"/>, resized in linear light and held in memory in the grade's
    /// own space (linear BT.2020), so each look skips that conversion.
    /// </summary>
    public static WorkImage Working(WorkImage image, int longEdge)
    {
        var scale = Math.Min(1.0, (double)longEdge / Math.Max(image.Width, image.Height));
        var small = LinearImage.Of(image).Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
        var linear = ColourSpaces.Convert(small, ShippedProfiles.LinearRec2020);
        return linear.WithPixels(linear.Pixels.CopyMemory());
    }

    /// <summary>The look graded on <paramref name="working"/> and converted to sRGB, transparency shown on white.</summary>
    public static Image Render(WorkImage working, GradeParams look, CancellationToken cancel = default) =>
        ToSrgb(Grade.Apply(working, look, null, cancel).Image);

    public static Image ToSrgb(WorkImage image)
    {
        var srgb = ColourSpaces.Convert(image, ShippedProfiles.Srgb);
        // Transparent areas show on white, as they would on a page.
        return srgb.Alpha is { } alpha ? srgb.Colour * alpha + (1 - alpha) : srgb.Colour;
    }
}
