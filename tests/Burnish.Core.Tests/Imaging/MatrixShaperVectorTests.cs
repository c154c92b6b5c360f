using Burnish.Imaging;

namespace Burnish.Core.Tests.Imaging;

/// <summary>The vector path of the matrix/TRC shortcut gives the scalar path's bits (tolerance 0: same float operations).</summary>
public class MatrixShaperVectorTests
{
    public static TheoryData<string, string> Pairs => new()
    {
        { "srgb", "display-p3" },
        { "display-p3", "srgb" },
        { "srgb", "rec2020-linear" },
        { "rec2020-linear", "srgb" },
        { "adobe-rgb", "prophoto" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Vector_curves_and_matrix_match_the_scalar_path_bit_for_bit(string from, string to)
    {
        var random = new Random(16);
        // In range, out of range (unbounded values go through LittleCMS's curves), the edges and NaN; 1003 pixels so
        // the last block and the last vector are partial.
        var samples = new float[3 * 1003];
        for (var i = 0; i < samples.Length; i++) samples[i] = (float)(random.NextDouble() * 1.4 - 0.2);
        float[] edges = [0f, 1f, -0f, 1e-9f, 0.99999994f, 1.0000001f, float.NaN, -1e-7f, 2f, -3f, 0.5f, 16383.5f / 16384];
        edges.CopyTo(samples, 30);
        var fromProfile = ShippedProfiles.ById(from);
        var toProfile = ShippedProfiles.ById(to);
        using var transform = LittleCms.Create(fromProfile, LittleCms.PixelFormat.RgbFloat, toProfile, LittleCms.PixelFormat.RgbFloat);
        var actual = new float[samples.Length];
        transform.Transform(samples, actual, samples.Length / 3);

        var decoder = MatrixShaper.TryRead(fromProfile.Icc)!;
        var encoder = MatrixShaper.TryRead(toProfile.Icc)!;
        var m = ToPcs(encoder).Inverse() * ToPcs(decoder);
        for (var p = 0; p < samples.Length / 3; p++)
        {
            float r = samples[3 * p], g = samples[3 * p + 1], b = samples[3 * p + 2];
            if (!decoder.IsLinear) (r, g, b) = (decoder.Decode(0, r), decoder.Decode(1, g), decoder.Decode(2, b));
            var x = (float)(m.M00 * (double)r + m.M01 * (double)g + m.M02 * (double)b);
            var y = (float)(m.M10 * (double)r + m.M11 * (double)g + m.M12 * (double)b);
            var z = (float)(m.M20 * (double)r + m.M21 * (double)g + m.M22 * (double)b);
            if (!encoder.IsLinear) (x, y, z) = (encoder.Encode(0, x), encoder.Encode(1, y), encoder.Encode(2, z));
            float[] expected = [x, y, z];
            for (var c = 0; c < 3; c++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[c]) == BitConverter.SingleToInt32Bits(actual[3 * p + c]) || (float.IsNaN(expected[c]) && float.IsNaN(actual[3 * p + c])),
                    $"pixel {p} channel {c}: {actual[3 * p + c]:R} against {expected[c]:R} (input {samples[3 * p + c]:R})");
        }
    }

    private static Matrix3 ToPcs(MatrixShaper s) =>
        new(s.ToXyz[0], s.ToXyz[1], s.ToXyz[2], s.ToXyz[3], s.ToXyz[4], s.ToXyz[5], s.ToXyz[6], s.ToXyz[7], s.ToXyz[8]);
}
