using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Bench;

/// <summary>
/// The grade stage's LUT kernel on a 4096² RGB buffer holding 16-bit code values (v/65535), through a 33³ LUT:
/// <see cref="Lut3D.Apply"/> (eight pixels a step in Vector256 planes, parallel rows) against the same tetrahedral
/// kernel written as plain scalar code, parallel over the same row blocks, so the ratio is the SIMD gain alone.
/// </summary>
[MemoryDiagnoser]
public class LutBenchmarks
{
    private const int Side = 4096;

    private float[] source = null!;
    private PixelBuffer buffer = null!;
    private CubeLut lut = null!;

    [GlobalSetup]
    public void Setup()
    {
        lut = FilmicLook(33);
        // Smooth gradients with grain, as a 16-bit master of a generation would hold: every pixel lands in a
        // different cell, and neighbours in nearby ones (the table reads see realistic cache locality).
        source = new float[Side * Side * 3];
        var random = new Random(42);
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++)
            {
                var i = 3 * (y * Side + x);
                var grain = random.Next(-300, 301);
                source[i] = Code16(x * 65535.0 / Side + grain);
                source[i + 1] = Code16(y * 65535.0 / Side + grain);
                source[i + 2] = Code16(32768 + 30000 * Math.Sin(x * 0.003 + y * 0.002) + grain);
            }
        buffer = new PixelBuffer(Side, Side, 3, (float[])source.Clone());
    }

    private static float Code16(double v) => (float)(Math.Round(Math.Clamp(v, 0, 65535)) / 65535.0);

    // Each run starts from the same pixels: applying a LUT in place would otherwise feed it its own output.
    [IterationSetup]
    public void Restore() => Array.Copy(source, buffer.Data, source.Length);

    [Benchmark(Baseline = true, Description = "scalar tetrahedral 33³, parallel rows")]
    public float Scalar()
    {
        ScalarLut.Apply(buffer, lut, 1.0);
        return buffer.Data[12345];
    }

    [Benchmark(Description = "Lut3D.Apply 33³, Vector256 + parallel rows")]
    public float Vector()
    {
        Lut3D.Apply(buffer, lut, 1.0);
        return buffer.Data[12345];
    }

    [Benchmark(Description = "Lut3D.Apply 33³ at strength 0.5")]
    public float VectorHalf()
    {
        Lut3D.Apply(buffer, lut, 0.5);
        return buffer.Data[12345];
    }

    /// <summary>A smooth, non-linear 33³ look (contrast, teal shadows, warm highlights), as the test fixtures use.</summary>
    private static CubeLut FilmicLook(int size)
    {
        var table = new float[3 * size * size * size];
        var i = 0;
        for (var b = 0; b < size; b++)
            for (var g = 0; g < size; g++)
                for (var r = 0; r < size; r++)
                {
                    double R = Curve(r / (size - 1.0)), G = Curve(g / (size - 1.0)), B = Curve(b / (size - 1.0));
                    var luma = 0.2126 * R + 0.7152 * G + 0.0722 * B;
                    var (shadow, highlight) = ((1 - luma) * (1 - luma), luma * luma);
                    table[i++] = (float)Math.Clamp(R + 0.06 * highlight - 0.05 * shadow, 0, 1);
                    table[i++] = (float)Math.Clamp(G + 0.01 * highlight + 0.02 * shadow, 0, 1);
                    table[i++] = (float)Math.Clamp(B - 0.07 * highlight + 0.06 * shadow, 0, 1);
                }
        return new CubeLut("filmic-33", size, table, new LutRgb(0, 0, 0), new LutRgb(1, 1, 1));

        static double Curve(double x) => 0.55 * x + 0.45 * x * x * (3 - 2 * x);
    }
}

/// <summary>
/// The baseline: ffmpeg's vf_lut3d interp_tetrahedral as straight scalar C#, one pixel at a time with its six
/// branches, the same domain scaling, clamping and blend as <see cref="Lut3D.Apply"/>. Kept here only to measure against.
/// </summary>
internal static class ScalarLut
{
    public static void Apply(PixelBuffer buffer, CubeLut lut, double strength)
    {
        var table = lut.Table.ToArray();
        var size = lut.Size;
        var top = size - 1f;
        var scale = new[] { top / (lut.DomainMax.R - lut.DomainMin.R), top / (lut.DomainMax.G - lut.DomainMin.G), top / (lut.DomainMax.B - lut.DomainMin.B) };
        var min = new[] { lut.DomainMin.R, lut.DomainMin.G, lut.DomainMin.B };
        var k = (float)strength;
        var bands = buffer.Bands;
        buffer.ForEachRowBlock((start, end) =>
        {
            for (var y = start; y < end; y++)
            {
                var row = buffer.Row(y);
                for (var x = 0; x < buffer.Width; x++)
                {
                    var px = row.Slice(x * bands, 3);
                    var (r, g, b) = Tetrahedral(table, size,
                        Math.Clamp((px[0] - min[0]) * scale[0], 0f, top),
                        Math.Clamp((px[1] - min[1]) * scale[1], 0f, top),
                        Math.Clamp((px[2] - min[2]) * scale[2], 0f, top));
                    px[0] += k * (r - px[0]);
                    px[1] += k * (g - px[1]);
                    px[2] += k * (b - px[2]);
                }
            }
        });
    }

    private static (float R, float G, float B) Tetrahedral(float[] t, int size, float sr, float sg, float sb)
    {
        int r0 = (int)sr, g0 = (int)sg, b0 = (int)sb;
        int r1 = Math.Min(r0 + 1, size - 1), g1 = Math.Min(g0 + 1, size - 1), b1 = Math.Min(b0 + 1, size - 1);
        float dr = sr - r0, dg = sg - g0, db = sb - b0;
        int At(int r, int g, int b) => 3 * (r + size * (g + size * b));
        var c000 = At(r0, g0, b0);
        var c111 = At(r1, g1, b1);
        int c1, c2;
        float w0, w1, w2, w3;
        if (dr > dg)
        {
            if (dg > db) { c1 = At(r1, g0, b0); c2 = At(r1, g1, b0); (w0, w1, w2, w3) = (1 - dr, dr - dg, dg - db, db); }
            else if (dr > db) { c1 = At(r1, g0, b0); c2 = At(r1, g0, b1); (w0, w1, w2, w3) = (1 - dr, dr - db, db - dg, dg); }
            else { c1 = At(r0, g0, b1); c2 = At(r1, g0, b1); (w0, w1, w2, w3) = (1 - db, db - dr, dr - dg, dg); }
        }
        else
        {
            if (db > dg) { c1 = At(r0, g0, b1); c2 = At(r0, g1, b1); (w0, w1, w2, w3) = (1 - db, db - dg, dg - dr, dr); }
            else if (db > dr) { c1 = At(r0, g1, b0); c2 = At(r0, g1, b1); (w0, w1, w2, w3) = (1 - dg, dg - db, db - dr, dr); }
            else { c1 = At(r0, g1, b0); c2 = At(r1, g1, b0); (w0, w1, w2, w3) = (1 - dg, dg - dr, dr - db, db); }
        }
        return (
            w0 * t[c000] + w1 * t[c1] + w2 * t[c2] + w3 * t[c111],
            w0 * t[c000 + 1] + w1 * t[c1 + 1] + w2 * t[c2 + 1] + w3 * t[c111 + 1],
            w0 * t[c000 + 2] + w1 * t[c1 + 2] + w2 * t[c2 + 2] + w3 * t[c111 + 2]);
    }
}
