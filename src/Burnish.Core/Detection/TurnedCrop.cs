using NetVips;

namespace Burnish.Detection;

/// <summary>
/// A square of the image turned by <see cref="Angle"/> about <see cref="Centre"/>, sampled into a landmark model's
/// <see cref="Size"/>² input as MediaPipe crops faces and hands: crop coordinates (u, v) in 0…Size map to the image by
/// turning about the centre.
/// </summary>
internal sealed record TurnedCrop(Point2 Centre, double Side, double Angle, int Size)
{
    private readonly double cos = Math.Cos(Angle), sin = Math.Sin(Angle);

    /// <summary>The image point under crop coordinates (<paramref name="u"/>, <paramref name="v"/>).</summary>
    public Point2 ToImage(double u, double v)
    {
        double a = (u / Size - 0.5) * Side, b = (v / Size - 0.5) * Side;
        return new Point2(Centre.X + a * cos - b * sin, Centre.Y + a * sin + b * cos);
    }

    /// <summary>
    /// The crop of <paramref name="rgb"/> (float RGB, 0–1) as an NHWC tensor, bilinear, outside the image black (as
    /// MediaPipe's crop); null when less than 2×2 pixels of the image lie under it. The region the turned square covers
    /// is read once, shrunk so the crop samples it at about 1:1.
    /// </summary>
    public float[]? Sample(Image rgb)
    {
        var half = Side * Math.Sqrt(0.5) + 2;
        int x0 = Math.Max(0, (int)Math.Floor(Centre.X - half)), y0 = Math.Max(0, (int)Math.Floor(Centre.Y - half));
        int x1 = Math.Min(rgb.Width, (int)Math.Ceiling(Centre.X + half)), y1 = Math.Min(rgb.Height, (int)Math.Ceiling(Centre.Y + half));
        if (x1 - x0 < 2 || y1 - y0 < 2) return null;
        var shrink = Math.Min(1, Size / Side);
        using var region = rgb.Crop(x0, y0, x1 - x0, y1 - y0);
        using var scaled = shrink < 1 ? region.Resize(shrink, kernel: Enums.Kernel.Linear) : region.Copy();
        var pixels = scaled.WriteToMemory<float>();
        int sw = scaled.Width, sh = scaled.Height;
        double kx = (double)sw / (x1 - x0), ky = (double)sh / (y1 - y0);
        var tensor = new float[Size * Size * 3];
        for (var v = 0; v < Size; v++)
            for (var u = 0; u < Size; u++)
            {
                var q = ToImage(u + 0.5, v + 0.5);
                double sx = (q.X - x0) * kx - 0.5, sy = (q.Y - y0) * ky - 0.5;
                if (sx < -0.5 || sy < -0.5 || sx > sw - 0.5 || sy > sh - 0.5) continue;
                int fx = (int)Math.Floor(sx), fy = (int)Math.Floor(sy);
                double ax = sx - fx, ay = sy - fy;
                int xa = Math.Clamp(fx, 0, sw - 1), xb = Math.Clamp(fx + 1, 0, sw - 1), ya = Math.Clamp(fy, 0, sh - 1), yb = Math.Clamp(fy + 1, 0, sh - 1);
                for (var c = 0; c < 3; c++)
                {
                    var value = (1 - ay) * ((1 - ax) * pixels[(ya * sw + xa) * 3 + c] + ax * pixels[(ya * sw + xb) * 3 + c])
                        + ay * ((1 - ax) * pixels[(yb * sw + xa) * 3 + c] + ax * pixels[(yb * sw + xb) * 3 + c]);
                    tensor[(v * Size + u) * 3 + c] = (float)Math.Clamp(value, 0, 1);
                }
            }
        return tensor;
    }
}
