using System.Globalization;
using System.Text;
using Burnish.Imaging;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Core.Tests.Stages.Grade.Lut;

/// <summary>Invariants of <see cref="Lut3D.Apply"/>: identity, strength, domain, shaper order, alpha, SIMD = scalar.</summary>
public class LutApplyTests
{
    /// <summary>Float32 rounding of one multiply-add chain on values 0–1 (a few ulps of 1.0).</summary>
    private const float Eps = 1e-6f;

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = MathF.Abs(expected[i] - actual[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: worst |diff| {worst:G3} at sample {at} (expected {(at < 0 ? 0 : expected[at])}, got {(at < 0 ? 0 : actual[at])})");
    }

    private static CubeLut Parse(string text) => CubeLutReader.Parse(new StringReader(text), "test.cube");

    [Theory]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(65)]
    public void An_identity_lut_is_the_identity(int size)
    {
        var pixels = LutFixtures.Sweep(301, 7); // 301 = 37 vectors of 8 and a scalar tail of 5
        var before = (float[])pixels.Data.Clone();

        Lut3D.Apply(pixels, CubeLut.Identity(size), 1.0);

        AssertClose(before, pixels.Data, Eps, $"identity {size}³");
    }

    [Fact]
    public void An_identity_cube_file_is_the_identity_on_a_real_generation()
    {
        var text = new StringBuilder("LUT_3D_SIZE 5\n");
        for (var b = 0; b < 5; b++)
            for (var g = 0; g < 5; g++)
                for (var r = 0; r < 5; r++)
                    text.Append(CultureInfo.InvariantCulture, $"{r / 4.0} {g / 4.0} {b / 4.0}\n");
        var pixels = LutFixtures.Read8(LutFixtures.Crop);
        var before = (float[])pixels.Data.Clone();

        Lut3D.Apply(pixels, Parse(text.ToString()), 1.0);

        AssertClose(before, pixels.Data, Eps, "identity .cube");
        Assert.Equal(LutFixtures.Codes8(LutFixtures.Crop), LutFixtures.Quantise8(pixels));
    }

    [Fact]
    public void Strength_zero_is_exactly_the_identity()
    {
        var pixels = LutFixtures.Read8(LutFixtures.Crop);
        var before = (float[])pixels.Data.Clone();

        Lut3D.Apply(pixels, LutFixtures.Cube(17), 0.0);

        Assert.Equal(before, pixels.Data); // bit for bit: nothing is computed at strength 0
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.25)]
    public void A_partial_strength_blends_linearly_with_the_input(double strength)
    {
        var lut = LutFixtures.Cube(33);
        var input = LutFixtures.Read8(LutFixtures.Crop);
        var full = input.Clone();
        Lut3D.Apply(full, lut, 1.0);
        var partial = input.Clone();

        Lut3D.Apply(partial, lut, strength);

        var expected = input.Data.Select((v, i) => v + (float)strength * (full.Data[i] - v)).ToArray();
        AssertClose(expected, partial.Data, Eps, $"strength {strength}");
        // …and the blend really is between the two: at 0.5 the farthest sample moved about half its full distance.
        var farthest = Enumerable.Range(0, input.Data.Length).MaxBy(i => MathF.Abs(full.Data[i] - input.Data[i]));
        var fraction = (partial.Data[farthest] - input.Data[farthest]) / (full.Data[farthest] - input.Data[farthest]);
        Assert.InRange(fraction, strength - 1e-4, strength + 1e-4);
    }

    public static TheoryData<string, int> Kinds => new()
    {
        { "3d", 3 }, { "3d", 4 }, { "shaper+3d", 3 }, { "shaper+3d", 4 }, { "1d", 3 }, { "1d", 4 },
    };

    private static CubeLut Kind(string kind)
    {
        var curve = new LutCurve(5, [0, 0, 0, 0.3f, 0.2f, 0.1f, 0.5f, 0.45f, 0.55f, 0.8f, 0.9f, 0.7f, 1.1f, 1, 0.95f],
            new LutRgb(-0.1f, 0, 0.05f), new LutRgb(1.2f, 1, 0.9f));
        var cube = LutFixtures.Cube(17);
        return kind switch
        {
            "3d" => cube,
            "shaper+3d" => new CubeLut("shaped", 17, cube.Table.ToArray(), new LutRgb(0, 0.1f, -0.2f), new LutRgb(1, 1.1f, 1.3f), curve),
            _ => new CubeLut("curve", 0, [], new LutRgb(0, 0, 0), new LutRgb(1, 1, 1), curve),
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Vector_and_scalar_paths_agree(string kind, int bands)
    {
        // Rows of 8+ pixels go through the AVX2 path (where the CPU has it), a 1-pixel row only through the scalar
        // one: the same pixels must come out the same. Both use the same fused steps, so they agree to float rounding.
        // Values run a little outside 0–1 so the clamping at both ends is compared too.
        var lut = Kind(kind);
        var wide = LutFixtures.Sweep(203, 5, bands);
        for (var i = 0; i < wide.Data.Length; i += 7) wide.Data[i] = wide.Data[i] * 1.4f - 0.2f;
        var narrow = new PixelBuffer(1, 203 * 5, bands, (float[])wide.Data.Clone());

        Lut3D.Apply(wide, lut, 0.7);
        Lut3D.Apply(narrow, lut, 0.7);

        AssertClose(narrow.Data, wide.Data, Eps, $"{kind}, {bands} bands: vector vs scalar");
    }

    [Fact]
    public void Alpha_is_untouched_and_rgb_is_as_without_alpha()
    {
        var lut = HaldClut.Load(LutFixtures.PathOf("filmic-hald-8.png"));
        var rgba = LutFixtures.Sweep(67, 9, bands: 4);
        var rgb = new PixelBuffer(67, 9, 3, Enumerable.Range(0, 67 * 9).SelectMany(i => rgba.Data.AsSpan(i * 4, 3).ToArray()).ToArray());
        var alpha = Enumerable.Range(0, 67 * 9).Select(i => rgba.Data[i * 4 + 3]).ToArray();

        Lut3D.Apply(rgba, lut, 0.8);
        Lut3D.Apply(rgb, lut, 0.8);

        Assert.Equal(alpha, Enumerable.Range(0, 67 * 9).Select(i => rgba.Data[i * 4 + 3]).ToArray());
        var rgbOfRgba = Enumerable.Range(0, 67 * 9).SelectMany(i => rgba.Data.AsSpan(i * 4, 3).ToArray()).ToArray();
        Assert.Equal(rgb.Data, rgbOfRgba);
    }

    [Fact]
    public void Red_varies_fastest_in_the_table()
    {
        // Eight rows in file order; each corner of the unit cube gets a distinct colour.
        var lut = Parse("""
            LUT_3D_SIZE 2
            0.0 0.0 0.0
            0.9 0.1 0.1
            0.1 0.8 0.1
            0.7 0.7 0.1
            0.1 0.1 0.6
            0.5 0.1 0.5
            0.1 0.4 0.4
            0.3 0.3 0.3
            """);
        var corners = new (float R, float G, float B, float[] Expected)[]
        {
            (1, 0, 0, [0.9f, 0.1f, 0.1f]),
            (0, 1, 0, [0.1f, 0.8f, 0.1f]),
            (1, 1, 0, [0.7f, 0.7f, 0.1f]),
            (0, 0, 1, [0.1f, 0.1f, 0.6f]),
            (1, 1, 1, [0.3f, 0.3f, 0.3f]),
        };
        var pixels = new PixelBuffer(corners.Length, 1, 3, corners.SelectMany(c => new[] { c.R, c.G, c.B }).ToArray());

        Lut3D.Apply(pixels, lut, 1.0);

        AssertClose(corners.SelectMany(c => c.Expected).ToArray(), pixels.Data, Eps, "corners");
        Assert.Equal(new LutRgb(0.5f, 0.1f, 0.5f), lut[1, 0, 1]);
    }

    [Fact]
    public void Tetrahedral_interpolation_follows_the_ffmpeg_tetrahedra()
    {
        // A 2³ LUT whose corners are random: inside the cube the result is the ffmpeg interp_tetrahedral formula.
        var random = new Random(3);
        var table = Enumerable.Range(0, 24).Select(_ => (float)random.NextDouble()).ToArray();
        var lut = new CubeLut("random", 2, table, new LutRgb(0, 0, 0), new LutRgb(1, 1, 1));
        var pixels = LutFixtures.Sweep(64, 4);
        var expected = new float[pixels.Data.Length];
        for (var i = 0; i < expected.Length; i += 3)
        {
            var v = FfmpegTetrahedral(lut, pixels.Data[i], pixels.Data[i + 1], pixels.Data[i + 2]);
            (expected[i], expected[i + 1], expected[i + 2]) = (v.R, v.G, v.B);
        }

        Lut3D.Apply(pixels, lut, 1.0);

        AssertClose(expected, pixels.Data, Eps, "tetrahedral");
    }

    /// <summary>ffmpeg libavfilter/vf_lut3d.c interp_tetrahedral, transcribed branch by branch for a 2³ LUT (prev = 0, next = 1).</summary>
    private static LutRgb FfmpegTetrahedral(CubeLut lut, float r, float g, float b)
    {
        LutRgb C(int i, int j, int k) => lut[i, j, k];
        static LutRgb Sum(float w0, LutRgb a, float w1, LutRgb b, float w2, LutRgb c, float w3, LutRgb d) => new(
            w0 * a.R + w1 * b.R + w2 * c.R + w3 * d.R, w0 * a.G + w1 * b.G + w2 * c.G + w3 * d.G, w0 * a.B + w1 * b.B + w2 * c.B + w3 * d.B);
        var (c000, c111) = (C(0, 0, 0), C(1, 1, 1));
        if (r > g)
        {
            if (g > b) return Sum(1 - r, c000, r - g, C(1, 0, 0), g - b, C(1, 1, 0), b, c111);
            if (r > b) return Sum(1 - r, c000, r - b, C(1, 0, 0), b - g, C(1, 0, 1), g, c111);
            return Sum(1 - b, c000, b - r, C(0, 0, 1), r - g, C(1, 0, 1), g, c111);
        }
        if (b > g) return Sum(1 - b, c000, b - g, C(0, 0, 1), g - r, C(0, 1, 1), r, c111);
        if (b > r) return Sum(1 - g, c000, g - b, C(0, 1, 0), b - r, C(0, 1, 1), r, c111);
        return Sum(1 - g, c000, g - r, C(0, 1, 0), r - b, C(1, 1, 0), b, c111);
    }

    [Fact]
    public void The_domain_maps_to_the_grid_and_inputs_outside_it_are_clamped()
    {
        // An identity over the domain [-0.5, 1.5] × [0, 2] × [0.25, 0.75]: each grid point holds its own domain coordinate.
        const int n = 9;
        float[] min = [-0.5f, 0f, 0.25f], max = [1.5f, 2f, 0.75f];
        var text = new StringBuilder($"LUT_3D_SIZE {n}\nDOMAIN_MIN -0.5 0 0.25\nDOMAIN_MAX 1.5 2 0.75\n");
        for (var b = 0; b < n; b++)
            for (var g = 0; g < n; g++)
                for (var r = 0; r < n; r++)
                    text.Append(CultureInfo.InvariantCulture,
                        $"{min[0] + (max[0] - min[0]) * r / (n - 1)} {min[1] + (max[1] - min[1]) * g / (n - 1)} {min[2] + (max[2] - min[2]) * b / (n - 1)}\n");
        var lut = Parse(text.ToString());
        Assert.Equal(new LutRgb(-0.5f, 0f, 0.25f), lut.DomainMin);
        float[] input = [-1f, 1.9f, 0.5f, 0.3f, 2.5f, 0.1f, 1.7f, -0.2f, 0.9f, float.NaN, 0.5f, 0.5f];
        var pixels = new PixelBuffer(4, 1, 3, (float[])input.Clone());

        Lut3D.Apply(pixels, lut, 1.0);

        var expected = input.Select((v, i) => float.IsNaN(v) ? min[i % 3] : Math.Clamp(v, min[i % 3], max[i % 3])).ToArray();
        AssertClose(expected, pixels.Data, 1e-5f, "domain");
    }

    [Fact]
    public void A_shaper_runs_before_the_3d_table()
    {
        // Shaper: red halved (green, blue unchanged). 3D table: red and blue swapped (linear, so exact at 2³).
        // Shaper first gives (b, g, r/2); the other order would give (b/2, g, r).
        var lut = Parse("""
            # Resolve-style: 1D shaper rows first, then the 3D rows
            LUT_1D_SIZE 2
            LUT_3D_SIZE 2
            0 0 0
            0.5 1 1
            0 0 0
            0 0 1
            0 1 0
            0 1 1
            1 0 0
            1 0 1
            1 1 0
            1 1 1
            """);
        Assert.NotNull(lut.Shaper);
        float[] input = [0.8f, 0.3f, 0.2f, 0.1f, 0.9f, 0.6f];
        var pixels = new PixelBuffer(2, 1, 3, (float[])input.Clone());

        Lut3D.Apply(pixels, lut, 1.0);

        AssertClose([0.2f, 0.3f, 0.4f, 0.6f, 0.9f, 0.05f], pixels.Data, Eps, "shaper then 3D");
    }

    [Fact]
    public void A_1d_only_cube_is_a_per_channel_curve()
    {
        var lut = Parse("""
            TITLE "three-point curve"
            LUT_1D_SIZE 3
            DOMAIN_MIN 0 0 0
            DOMAIN_MAX 1 1 2
            0 0 0
            0.25 0.5 0.75
            1 1 1
            """);
        Assert.False(lut.Is3D);
        float[] input = [0.25f, 0.25f, 0.5f, 0.75f, 1.5f, 3f, -1f, 0.5f, 1f];
        var pixels = new PixelBuffer(3, 1, 3, (float[])input.Clone());

        Lut3D.Apply(pixels, lut, 1.0);

        // Blue's domain is 0–2, so its middle point sits at input 1.
        AssertClose([0.125f, 0.25f, 0.375f, 0.625f, 1f, 1f, 0f, 0.5f, 0.75f], pixels.Data, Eps, "1D curve");
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var lut = CubeLut.Identity(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lut3D.Apply(new PixelBuffer(2, 2, 3), lut, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lut3D.Apply(new PixelBuffer(2, 2, 3), lut, double.NaN));
        Assert.Throws<ArgumentException>(() => Lut3D.Apply(new PixelBuffer(2, 2, 1), lut, 1));
    }
}
