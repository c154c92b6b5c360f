using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The mask images of a cleanup's soften regions, decoded up front so that a missing or unreadable mask fails the
/// run before any image is touched (the runner loads them once per recipe, as it does a LUT). Each mask is kept as
/// one float band, 0–1 (luminance of an RGB mask, multiplied by its alpha), at its own size.
/// </summary>
public sealed class SoftenMasks
{
    private readonly Image?[] masks;

    private SoftenMasks(Image?[] masks) => this.masks = masks;

    /// <summary>No mask images (every region is a box, or there are none).</summary>
    public static SoftenMasks None { get; } = new([]);

    /// <summary>Decodes the mask of every region that names one; throws <see cref="ImageInputException"/> naming the file.</summary>
    public static SoftenMasks Load(CleanupParams p, LoadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        var masks = new Image?[p.Soften.Count];
        for (var i = 0; i < masks.Length; i++)
            if (p.Soften[i].Mask is { Length: > 0 } path) masks[i] = Decode(path, limits ?? LoadLimits.Default);
        return new SoftenMasks(masks);
    }

    /// <summary>The decoded mask of region <paramref name="index"/>, or null when it has none.</summary>
    public Image? this[int index] => index < masks.Length ? masks[index] : null;

    /// <summary>These masks with region <paramref name="index"/>'s set to <paramref name="mask"/> (an automatic mask, found per image).</summary>
    public SoftenMasks With(int index, Image mask)
    {
        var copy = new Image?[Math.Max(masks.Length, index + 1)];
        masks.CopyTo(copy, 0);
        copy[index] = mask;
        return new SoftenMasks(copy);
    }

    private static Image Decode(string path, LoadLimits limits)
    {
        var image = ImageLoader.Load(path, limits).Image;
        var colour = image.Colour;
        // Rec. 709 luma of the encoded values: white is 1, black 0, and a grey mask's grey is its weight.
        var weight = colour.Bands >= 3 ? colour[0] * 0.2126 + colour[1] * 0.7152 + colour[2] * 0.0722 : colour[0];
        if (image.Alpha is { } alpha) weight *= alpha;
        return weight.Clamp(min: 0.0, max: 1.0).Cast(Enums.BandFormat.Float).CopyMemory();
    }
}
