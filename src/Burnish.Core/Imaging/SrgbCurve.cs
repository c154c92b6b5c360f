using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// The sRGB transfer curve (IEC 61966-2-1) as lazy libvips arithmetic, mirrored for negative values so out-of-gamut
/// colour survives. Lazy is the point: it runs on images streamed from the models, too big to hold.
/// </summary>
public static class SrgbCurve
{
    public static Image ToLinear(Image encoded)
    {
        var a = encoded.Abs();
        return (a > 0.04045).Ifthenelse(((a + 0.055) / 1.055).Pow(2.4), a / 12.92) * encoded.Sign();
    }

    public static Image FromLinear(Image linear)
    {
        var a = linear.Abs();
        return (a > 0.0031308).Ifthenelse(a.Pow(1 / 2.4) * 1.055 - 0.055, a * 12.92) * linear.Sign();
    }
}
