using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// The image that flows between stages: a libvips image in float, nominal range 0–1, encoded in <see cref="Profile"/>
/// (not linear). Grey has 1 band, RGB 3; a last extra band is alpha (straight, not premultiplied).
/// Float keeps 16-bit sources exact; quantisation happens only when a file is encoded.
/// </summary>
public sealed record WorkImage(Image Pixels, ColourProfile Profile)
{
    public int Width => Pixels.Width;
    public int Height => Pixels.Height;
    public bool HasAlpha => Pixels.Bands is 2 or 4;
    public bool IsGrey => Pixels.Bands < 3;
    public int ColourBands => HasAlpha ? Pixels.Bands - 1 : Pixels.Bands;

    /// <summary>The colour bands alone.</summary>
    public Image Colour => HasAlpha ? Pixels.ExtractBand(0, ColourBands) : Pixels;

    /// <summary>The alpha band, or null.</summary>
    public Image? Alpha => HasAlpha ? Pixels.ExtractBand(ColourBands) : null;

    public WorkImage WithPixels(Image pixels) => this with { Pixels = pixels };
}
