namespace Burnish.Synthesis;

/// <summary>Distances inside a hole, for the scale pyramid and the blending band.</summary>
internal static class HoleGeometry
{
    /// <summary>
    /// For each hole pixel, the distance in pixels to the nearest known pixel (0 for known pixels), by the 3-4 chamfer
    /// (Borgefors 1986; within 8 % of Euclidean). The image border is not known: a hole touching it is measured
    /// from its known side only. Hole pixels with no known pixel at all get <see cref="float.PositiveInfinity"/>.
    /// </summary>
    public static float[] DistanceToKnown(ReadOnlySpan<byte> hole, int width, int height)
    {
        const int Inf = int.MaxValue / 4;
        var d = new int[hole.Length];
        for (var i = 0; i < d.Length; i++) d[i] = hole[i] != 0 ? Inf : 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                if (d[i] == 0) continue;
                var v = d[i];
                if (x > 0) v = Math.Min(v, d[i - 1] + 3);
                if (y > 0)
                {
                    v = Math.Min(v, d[i - width] + 3);
                    if (x > 0) v = Math.Min(v, d[i - width - 1] + 4);
                    if (x < width - 1) v = Math.Min(v, d[i - width + 1] + 4);
                }
                d[i] = v;
            }
        for (var y = height - 1; y >= 0; y--)
            for (var x = width - 1; x >= 0; x--)
            {
                var i = y * width + x;
                if (d[i] == 0) continue;
                var v = d[i];
                if (x < width - 1) v = Math.Min(v, d[i + 1] + 3);
                if (y < height - 1)
                {
                    v = Math.Min(v, d[i + width] + 3);
                    if (x < width - 1) v = Math.Min(v, d[i + width + 1] + 4);
                    if (x > 0) v = Math.Min(v, d[i + width - 1] + 4);
                }
                d[i] = v;
            }
        var result = new float[d.Length];
        for (var i = 0; i < d.Length; i++) result[i] = d[i] >= Inf ? float.PositiveInfinity : d[i] / 3f;
        return result;
    }

    public static float Max(ReadOnlySpan<float> distances)
    {
        var m = 0f;
        foreach (var v in distances) m = Math.Max(m, v);
        return m;
    }
}
