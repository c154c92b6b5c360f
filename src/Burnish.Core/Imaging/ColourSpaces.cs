using NetVips;
using static Burnish.Imaging.LittleCms;

namespace Burnish.Imaging;

/// <summary>
/// Colour conversions, all through LittleCMS in float (see <see cref="LittleCms"/>): relative colorimetric intent,
/// no black-point compensation, unbounded, so out-of-gamut values survive until a file is encoded.
/// These are the same settings as the transicc goldens in the tests.
/// </summary>
public static class ColourSpaces
{
    /// <summary>Converts the colour bands to <paramref name="target"/>; alpha is carried unchanged.</summary>
    public static WorkImage Convert(WorkImage image, ColourProfile target)
    {
        if (image.Profile.SameAs(target) && !image.IsGrey) return image with { Profile = target };
        var (colour, format) = Source(image);
        using var transform = Create(image.Profile, format, target, PixelFormat.RgbFloat);
        return new WorkImage(WithAlpha(Tag(transform.Apply(colour), Enums.Interpretation.Rgb), image.Alpha), target);
    }

    /// <summary>CIE XYZ (D50 PCS, white Y = 1), float: linear light for operations that must average light.</summary>
    public static Image ToLinear(WorkImage image) => ToPcs(image, PixelFormat.XyzFloat, Enums.Interpretation.Xyz);

    /// <summary>
    /// CIE Lab (D50), float: for colour differences. Computed as LittleCMS does, through PCS XYZ (<see cref="ToLinear"/>,
    /// so matrix/TRC profiles take the shortcut) and the CIE formula (<see cref="CieLab"/>).
    /// </summary>
    public static Image ToLab(WorkImage image)
    {
        var (colour, format) = Source(image);
        using var transform = Create(image.Profile, format, null, PixelFormat.XyzFloat);
        var samples = transform.ApplySamples(colour);
        CieLab.FromXyz(samples);
        // The image wraps the array (pinned, not copied): nothing else holds it.
        return new PixelBuffer(image.Width, image.Height, 3, samples).AsImage(Enums.Interpretation.Lab);
    }

    /// <summary>
    /// <see cref="ToLab"/> computed band by band as libvips reads it (<see cref="Strips"/>): no full-size copy. The same
    /// conversion, every sample on the cube root's vector path, so bands agree with each other bit for bit (the eager
    /// <see cref="ToLab"/> takes the scalar path for the last w·h mod 8 pixels, an ulp apart at most).
    /// </summary>
    public static Image ToLabLazy(WorkImage image)
    {
        var (colour, format) = Source(image);
        // Owned by the lazy image's kernel, released by its finalizer once the image is gone (as LittleCms.Apply's).
        var transform = Create(image.Profile, format, null, PixelFormat.XyzFloat);
        int w = image.Width, inBands = colour.Bands;
        var lab = Strips.Lazy(w, image.Height, 3, (y, rows, output) => Strips.WithRows(colour, y, rows, output, 3, input =>
            Strips.ForChunks(rows, (r0, r1) =>
            {
                transform.Transform(input.AsSpan(r0 * w * inBands, (r1 - r0) * w * inBands), output.AsSpan(r0 * w * 3, (r1 - r0) * w * 3), (r1 - r0) * w);
                CieLab.FromXyzVector(output, r0 * w * 3, r1 * w * 3);
            })));
        return lab.Copy(interpretation: Enums.Interpretation.Lab);
    }

    /// <summary>
    /// CIE Lab of linear light (PCS XYZ, D50, white Y = 1, as <see cref="ToLinear"/> gives), band by band as libvips
    /// reads it, every sample on the vector path (see <see cref="ToLabLazy"/>): for an image made in linear light (a
    /// resize), its Lab without encoding it first and decoding it again.
    /// </summary>
    public static Image LabOfLinearLazy(Image xyz)
    {
        ArgumentNullException.ThrowIfNull(xyz);
        if (xyz.Bands != 3) throw new ArgumentException($"expected 3 bands of XYZ, got {xyz.Bands}", nameof(xyz));
        int w = xyz.Width;
        var lab = Strips.Lazy(w, xyz.Height, 3, (y, rows, output) =>
        {
            Strips.ReadRows(xyz, y, rows, output);
            Strips.ForChunks(rows, (r0, r1) => CieLab.FromXyzVector(output, r0 * w * 3, r1 * w * 3));
        });
        return lab.Copy(interpretation: Enums.Interpretation.Lab);
    }

    /// <summary>Back from <see cref="ToLab"/> into <paramref name="target"/>'s encoding (through PCS XYZ, as <see cref="ToLab"/>).</summary>
    public static Image FromLab(Image lab, ColourProfile target)
    {
        var samples = lab.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        CieLab.ToXyz(samples);
        return FromLinear(Tag(Image.NewFromMemoryCopy<float>(samples, lab.Width, lab.Height, 3, Enums.BandFormat.Float), Enums.Interpretation.Xyz), target);
    }

    /// <summary>Back from <see cref="ToLinear"/> into <paramref name="target"/>'s encoding.</summary>
    public static Image FromLinear(Image xyz, ColourProfile target)
    {
        using var transform = Create(null, PixelFormat.XyzFloat, target, PixelFormat.RgbFloat);
        return Tag(transform.Apply(xyz), Enums.Interpretation.Rgb);
    }

    /// <summary>
    /// Lab back into <paramref name="like"/>'s encoding and band count (no alpha), as float samples: RGB stays RGB,
    /// grey stays grey (through its grey profile, or for untagged grey as the mean of the sRGB channels, which
    /// a* = b* = 0 makes equal).
    /// </summary>
    public static float[] FromLabSamples(Image lab, WorkImage like)
    {
        if (!like.IsGrey)
        {
            var samples = lab.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
            CieLab.ToXyz(samples);
            using var toRgb = Create(null, PixelFormat.XyzFloat, like.Profile, PixelFormat.RgbFloat);
            return toRgb.ApplySamples(Image.NewFromMemoryCopy<float>(samples, lab.Width, lab.Height, 3, Enums.BandFormat.Float));
        }
        if (like.Profile.IsGrey)
        {
            using var transform = Create(null, PixelFormat.LabFloat, like.Profile, PixelFormat.GreyFloat);
            return transform.Apply(lab).WriteToMemory<float>();
        }
        var rgb = FromLab(lab, like.Profile).WriteToMemory<float>();
        var grey = new float[rgb.Length / 3];
        for (var i = 0; i < grey.Length; i++) grey[i] = (rgb[i * 3] + rgb[i * 3 + 1] + rgb[i * 3 + 2]) / 3;
        return grey;
    }

    /// <summary>
    /// <see cref="FromLabSamples"/> for three L*, a*, b* planes (row-major, <paramref name="like"/>'s size), without
    /// building a libvips image of them first: the same samples, the same conversion, bit for bit, and for RGB no
    /// copy beyond the one array returned (interleaved, <paramref name="like"/>'s colour bands).
    /// </summary>
    public static float[] FromLabPlanes(float[] l, float[] a, float[] b, WorkImage like)
    {
        var n = like.Width * like.Height;
        if (l.Length != n || a.Length != n || b.Length != n) throw new ArgumentException($"planes must hold {like.Width}×{like.Height} samples");
        if (like.IsGrey)
        {
            var lab = Image.NewFromMemoryCopy<float>(l, like.Width, like.Height, 1, Enums.BandFormat.Float)
                .Bandjoin(Image.NewFromMemoryCopy<float>(a, like.Width, like.Height, 1, Enums.BandFormat.Float),
                    Image.NewFromMemoryCopy<float>(b, like.Width, like.Height, 1, Enums.BandFormat.Float))
                .Copy(interpretation: Enums.Interpretation.Lab);
            return FromLabSamples(lab, like);
        }
        var samples = GC.AllocateUninitializedArray<float>(n * 3);
        Parallel.For(0, (n + 65535) / 65536, ImageThreads.Options(), c =>
        {
            for (int i = c * 65536, end = Math.Min(n, i + 65536); i < end; i++)
            {
                samples[i * 3] = l[i];
                samples[i * 3 + 1] = a[i];
                samples[i * 3 + 2] = b[i];
            }
        });
        CieLab.ToXyz(samples);
        using var toRgb = Create(null, PixelFormat.XyzFloat, like.Profile, PixelFormat.RgbFloat);
        const int Chunk = 32768;
        Parallel.For(0, (n + Chunk - 1) / Chunk, ImageThreads.Options(), c =>
        {
            int p0 = c * Chunk, count = Math.Min(Chunk, n - p0);
            var span = samples.AsSpan(p0 * 3, count * 3);
            toRgb.Transform(span, span, count);
        });
        return samples;
    }

    public static Image WithAlpha(Image colour, Image? alpha) => alpha is null ? colour : colour.Bandjoin(alpha);

    /// <summary>Rounds float 0–1 to ushort, clipping out-of-range values.</summary>
    public static Image Quantise16(Image image) => (image * 65535.0 + 0.5).Clamp(min: 0.0, max: 65535.0).Cast(Enums.BandFormat.Ushort);

    /// <summary>Rounds float 0–1 to uchar, clipping out-of-range values.</summary>
    public static Image Quantise8(Image image) => (image * 255.0 + 0.5).Clamp(min: 0.0, max: 255.0).Cast(Enums.BandFormat.Uchar);

    private static Image ToPcs(WorkImage image, PixelFormat pcs, Enums.Interpretation interpretation)
    {
        var (colour, format) = Source(image);
        using var transform = Create(image.Profile, format, null, pcs);
        return Tag(transform.Apply(colour), interpretation);
    }

    // Grey with its own grey profile goes in as grey; an untagged grey is sRGB-encoded grey, so it is widened to RGB.
    private static (Image Colour, PixelFormat Format) Source(WorkImage image)
    {
        var colour = image.Colour;
        if (!image.IsGrey) return (colour, PixelFormat.RgbFloat);
        return image.Profile.IsGrey ? (colour, PixelFormat.GreyFloat) : (colour.Bandjoin(colour, colour), PixelFormat.RgbFloat);
    }

    private static Image Tag(Image image, Enums.Interpretation interpretation) => image.Copy(interpretation: interpretation);
}
