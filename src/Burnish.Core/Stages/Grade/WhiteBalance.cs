using Burnish.Imaging;

namespace Burnish.Stages.Grade;

/// <summary>
/// White balance as a chromatic adaptation in linear BT.2020 RGB: greys at D65 are carried to the white of another
/// point on the CIE daylight locus (CIE 15:2004 §3.1), shifted across it by the tint. Bradford CAT (Lam 1985).
/// </summary>
public static class WhiteBalance
{
    /// <summary>D65's correlated colour temperature on the daylight locus (K); 0 mired shift starts here.</summary>
    public const double D65Kelvin = 6504;

    /// <summary>Bradford cone-response matrix (Lam 1985; Lindbloom).</summary>
    public static readonly Matrix3 Bradford = new(0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296);

    /// <summary>Linear BT.2020 (D65) to CIE XYZ (ITU-R BT.2020 primaries).</summary>
    public static readonly Matrix3 Rec2020ToXyz = Matrix3.RgbToXyz((0.708, 0.292), (0.170, 0.797), (0.131, 0.046), (0.3127, 0.3290));

    /// <summary>
    /// The adaptation matrix in linear BT.2020 RGB, scaled so white's brightest channel stays at 1; exactly the
    /// identity at temperature 0 and tint 0.
    /// </summary>
    public static Matrix3 Matrix(WhiteBalanceParams p)
    {
        if (p.Temperature == 0 && p.Tint == 0) return Matrix3.Identity;
        var source = DaylightXy(D65Kelvin);
        var target = WithTint(DaylightXy(1e6 / (1e6 / D65Kelvin + p.Temperature)), 1e6 / (1e6 / D65Kelvin + p.Temperature), p.Tint / 1000);
        var rgb = Rec2020ToXyz.Inverse() * Adaptation(source, target) * Rec2020ToXyz;
        // Scale so that white's brightest channel stays at 1: warming then calms blue instead of clipping red.
        var (r, g, b) = rgb.Apply(1, 1, 1);
        return rgb * (1 / Math.Max(r, Math.Max(g, b)));
    }

    /// <summary>Bradford adaptation in XYZ from one white (xy) to another.</summary>
    public static Matrix3 Adaptation((double x, double y) from, (double x, double y) to)
    {
        var (rs, gs, bs) = Bradford.Apply(from.x / from.y, 1, (1 - from.x - from.y) / from.y);
        var (rd, gd, bd) = Bradford.Apply(to.x / to.y, 1, (1 - to.x - to.y) / to.y);
        return Bradford.Inverse() * Matrix3.Diagonal(rd / rs, gd / gs, bd / bs) * Bradford;
    }

    /// <summary>Chromaticity of CIE daylight at <paramref name="kelvin"/> (valid 4000–25000 K).</summary>
    public static (double x, double y) DaylightXy(double kelvin)
    {
        var t = Math.Clamp(kelvin, 4000, 25000);
        var x = t <= 7000
            ? -4.6070e9 / (t * t * t) + 2.9678e6 / (t * t) + 0.09911e3 / t + 0.244063
            : -2.0064e9 / (t * t * t) + 1.9018e6 / (t * t) + 0.24748e3 / t + 0.237040;
        return (x, -3.000 * x * x + 2.870 * x - 0.275);
    }

    // Moves a white across the locus in CIE 1960 uv by duv; positive is towards magenta (below the locus).
    private static (double x, double y) WithTint((double x, double y) white, double kelvin, double duv)
    {
        if (duv == 0) return white;
        var (u, v) = Uv(white);
        var (u2, v2) = Uv(DaylightXy(kelvin + 10));
        var (tu, tv) = (u2 - u, v2 - v);
        var length = Math.Sqrt(tu * tu + tv * tv);
        // The normal that points away from green (lower v).
        var (nu, nv) = (tv / length, -tu / length);
        if (nv > 0) (nu, nv) = (-nu, -nv);
        var (pu, pv) = (u + nu * duv, v + nv * duv);
        var d = 2 * pu - 8 * pv + 4;
        return (3 * pu / d, 2 * pv / d);
    }

    private static (double u, double v) Uv((double x, double y) c)
    {
        var d = -2 * c.x + 12 * c.y + 3;
        return (4 * c.x / d, 6 * c.y / d);
    }
}
