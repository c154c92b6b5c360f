using System.Globalization;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Repair;

/// <summary>Turns a pass's mask sources and controls into the <see cref="Mask"/> of one image, and checks it is usable.</summary>
public static class RepairMasks
{
    /// <summary>
    /// The union of the pass's sources on <paramref name="image"/> (the mask image, the alpha, the shapes), then grow or
    /// shrink, then feather. <paramref name="maskImage"/> is the decoded <see cref="RepairPass.Mask"/> file, when the pass
    /// has one. Throws <see cref="BurnishException"/> for a shape out of the image or a missing alpha channel.
    /// </summary>
    public static Mask Build(RepairPass pass, WorkImage image, Image? maskImage, Image? autoMask = null)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        var mask = Mask.Empty(w, h);
        if (pass.Mask is not null)
        {
            if (maskImage is null) throw new ArgumentException("the pass names a mask file but none was given", nameof(maskImage));
            mask = mask.Union(Mask.FromImage(maskImage, w, h, pass.Invert));
        }
        if (pass.Alpha)
        {
            if (!image.HasAlpha) throw new BurnishException("alpha: the image has no alpha channel to take the mask from");
            mask = mask.Union(Mask.FromAlpha(image));
        }
        if (autoMask is not null) mask = mask.Union(Mask.FromImage(autoMask, w, h));
        var shapes = pass.Shapes().ToList();
        if (shapes.Count > 0) mask = mask.Union(Mask.FromShapes(w, h, shapes));
        if (pass.Grow > 0) mask = mask.Grow(pass.Grow);
        if (pass.Shrink > 0) mask = mask.Shrink(pass.Shrink);
        if (pass.Feather > 0) mask = mask.Feather(pass.Feather);
        return mask;
    }

    /// <summary>A short description of a pass's sources for reports ("mask.png, 2 boxes").</summary>
    public static string Describe(RepairPass pass)
    {
        var parts = new List<string>();
        if (pass.Mask is not null) parts.Add(Path.GetFileName(pass.Mask) + (pass.Invert ? " (inverted)" : ""));
        if (pass.Alpha) parts.Add("alpha");
        if (pass.Auto is { } auto) parts.Add($"auto {auto.ToString().ToLowerInvariant()}");
        if (pass.Boxes is { Count: > 0 } b) parts.Add(b.Count == 1 ? "1 box" : $"{b.Count} boxes");
        if (pass.Ellipses is { Count: > 0 } e) parts.Add(e.Count == 1 ? "1 ellipse" : $"{e.Count} ellipses");
        return string.Join(", ", parts);
    }

    internal static string Percent(double fraction) => (100 * fraction).ToString("0.##", CultureInfo.InvariantCulture);
}
