using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Stages.Grade;

namespace Burnish.Bench;

/// <summary>The tone curve on a 4096² RGB buffer (values from a 16-bit image): AVX2 gathers against a scalar loop.</summary>
[MemoryDiagnoser]
public class CurveBenchmarks
{
    private PixelBuffer buffer = null!;
    private ToneCurve curve = null!;
    private float[] table = null!;

    [GlobalSetup]
    public void Setup()
    {
        buffer = new PixelBuffer(4096, 4096, 3);
        var random = new Random(1);
        for (var i = 0; i < buffer.Data.Length; i++) buffer.Data[i] = random.Next(65536) / 65535f;
        var p = new ToneParams { Contrast = 0.2, BlackLift = 0.02, Curve = [[0.25, 0.2], [0.75, 0.8]] };
        curve = ToneCurve.Build(p);
        table = new float[65537];
        for (var i = 0; i < table.Length; i++) table[i] = (float)ToneCurve.Decode(ToneCurve.Shape(ToneCurve.Encode(i / 65536.0), p));
    }

    [Benchmark(Baseline = true, Description = "scalar table + lerp, parallel rows")]
    public void Scalar() => buffer.ForEachRowBlock((start, end) =>
    {
        for (var y = start; y < end; y++)
        {
            var row = buffer.Row(y);
            for (var i = 0; i < row.Length; i++)
            {
                var f = Math.Clamp(row[i], 0f, 1f) * 65536;
                var k = Math.Min((int)f, 65535);
                row[i] = table[k] + (table[k + 1] - table[k]) * (f - k);
            }
        }
    });

    [Benchmark(Description = "ToneCurve.Apply (AVX2 gather), parallel rows")]
    public void Vector() => curve.Apply(buffer);
}
