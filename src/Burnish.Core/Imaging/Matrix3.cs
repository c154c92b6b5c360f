namespace Burnish.Imaging;

/// <summary>A 3×3 matrix for colour-space and adaptation arithmetic (row-major, applied to column vectors).</summary>
public readonly record struct Matrix3(
    double M00, double M01, double M02,
    double M10, double M11, double M12,
    double M20, double M21, double M22)
{
    public static Matrix3 Identity { get; } = new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public static Matrix3 Diagonal(double a, double b, double c) => new(a, 0, 0, 0, b, 0, 0, 0, c);

    public static Matrix3 operator *(Matrix3 a, Matrix3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20, a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21, a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20, a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21, a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20, a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21, a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);

    public static Matrix3 operator *(Matrix3 a, double s) => new(
        a.M00 * s, a.M01 * s, a.M02 * s, a.M10 * s, a.M11 * s, a.M12 * s, a.M20 * s, a.M21 * s, a.M22 * s);

    public (double X, double Y, double Z) Apply(double x, double y, double z) =>
        (M00 * x + M01 * y + M02 * z, M10 * x + M11 * y + M12 * z, M20 * x + M21 * y + M22 * z);

    public Matrix3 Inverse()
    {
        var det = M00 * (M11 * M22 - M12 * M21) - M01 * (M10 * M22 - M12 * M20) + M02 * (M10 * M21 - M11 * M20);
        if (Math.Abs(det) < 1e-15) throw new InvalidOperationException("singular matrix");
        var k = 1 / det;
        return new(
            (M11 * M22 - M12 * M21) * k, (M02 * M21 - M01 * M22) * k, (M01 * M12 - M02 * M11) * k,
            (M12 * M20 - M10 * M22) * k, (M00 * M22 - M02 * M20) * k, (M02 * M10 - M00 * M12) * k,
            (M10 * M21 - M11 * M20) * k, (M01 * M20 - M00 * M21) * k, (M00 * M11 - M01 * M10) * k);
    }

    /// <summary>RGB→XYZ for the given primaries and white (xy chromaticities), white mapping to Y = 1 (SMPTE RP 177).</summary>
    public static Matrix3 RgbToXyz((double x, double y) r, (double x, double y) g, (double x, double y) b, (double x, double y) white)
    {
        static (double, double, double) Xyz((double x, double y) c) => (c.x / c.y, 1, (1 - c.x - c.y) / c.y);
        var (xr, yr, zr) = Xyz(r);
        var (xg, yg, zg) = Xyz(g);
        var (xb, yb, zb) = Xyz(b);
        var primaries = new Matrix3(xr, xg, xb, yr, yg, yb, zr, zg, zb);
        var (xw, yw, zw) = Xyz(white);
        var (sr, sg, sb) = primaries.Inverse().Apply(xw, yw, zw);
        return primaries * Diagonal(sr, sg, sb);
    }
}
