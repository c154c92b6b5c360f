using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// An image in linear light (CIE XYZ, alpha premultiplied), described once from the master and shared by every copy.
/// It is computed on demand, band by band (<see cref="Strips"/>), so it costs no memory of its own.
/// </summary>
public sealed record LinearImage(Image Light, bool HasAlpha, ColourProfile Profile)
{
    public int Width => Light.Width;
    public int Height => Light.Height;

    public static LinearImage Of(WorkImage image)
    {
        var light = ColourSpaces.ToLinear(image);
        if (image.Alpha is { } alpha) light = light.Bandjoin(alpha).Premultiply(maxAlpha: 1.0);
        // Lazy: each copy's resize pulls the bands it needs through the strip engine; no full-size XYZ copy is held.
        return new LinearImage(light, image.HasAlpha, image.Profile);
    }

    /// <summary>Lanczos3 resize to exactly <paramref name="w"/>×<paramref name="h"/>, averaging light, not code values.</summary>
    public WorkImage Resize(int w, int h)
    {
        var (xyz, alpha) = ResizeLight(w, h);
        return new WorkImage(ColourSpaces.WithAlpha(ColourSpaces.FromLinear(xyz, Profile), alpha), Profile);
    }

    /// <summary>
    /// The resize itself, still in linear light: CIE XYZ and straight alpha (clamped to 0–1), for callers that
    /// encode the result themselves.
    /// </summary>
    public (Image Xyz, Image? Alpha) ResizeLight(int w, int h)
    {
        // Centre-aligned, and a true Lanczos3 when enlarging (libvips' own enlargement is bicubic and half a pixel off).
        var resized = Resampling.Lanczos3(Light, w, h);
        Image? alpha = null;
        if (HasAlpha)
        {
            resized = resized.Unpremultiply(maxAlpha: 1.0);
            alpha = resized[3].Clamp(min: 0.0, max: 1.0);
            resized = resized.ExtractBand(0, 3);
        }
        return (resized.Copy(interpretation: Enums.Interpretation.Xyz), alpha);
    }
}
