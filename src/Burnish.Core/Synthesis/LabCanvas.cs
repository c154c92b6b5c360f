using Burnish.Imaging;
using NetVips;

namespace Burnish.Synthesis;

/// <summary>
/// The image as the repair methods see it: four floats per pixel, CIE L*, a*, b* (LittleCMS, D50) and alpha × 100
/// (0 without alpha). Lab makes patch distances perceptual; alpha scaled like L* is matched and filled with the colour.
/// Four lanes keep a pixel aligned to a 128-bit vector, so a patch row is whole vectors.
/// </summary>
internal sealed class LabCanvas
{
    public const int Lanes = 4;
    public const float AlphaScale = 100f;

    public LabCanvas(int width, int height, float[]? pixels = null)
    {
        Width = width;
        Height = height;
        Pixels = pixels ?? new float[(long)width * height * Lanes];
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Pixels { get; }

    public LabCanvas Clone() => new(Width, Height, (float[])Pixels.Clone());

    /// <summary>
    /// The image in L*a*b*: CIE XYZ (D50) from <see cref="ColourSpaces.ToLinear"/>, which takes LittleCMS's matrix/TRC
    /// shortcut for RGB profiles, then the CIE 1976 formula with LittleCMS's D50 white (0.9642, 1, 0.8249), as
    /// cmsXYZ2Lab computes it. Several times faster than LittleCMS's float Lab transform, and the same numbers to float
    /// rounding.
    /// </summary>
    public static LabCanvas From(WorkImage image, CancellationToken cancel = default)
    {
        var xyz = ColourSpaces.ToLinear(image).WriteToMemory<float>();
        var alpha = image.Alpha is { } a ? a.Cast(Enums.BandFormat.Float).WriteToMemory<float>() : null;
        var canvas = new LabCanvas(image.Width, image.Height);
        var px = canvas.Pixels;
        int w = image.Width, h = image.Height;
        Parallel.For(0, h, ImageThreads.Options(cancel), y =>
        {
            for (var i = y * w; i < (y + 1) * w; i++)
            {
                float fx = F(xyz[i * 3] / WhiteX), fy = F(xyz[i * 3 + 1]), fz = F(xyz[i * 3 + 2] / WhiteZ);
                px[i * 4] = 116f * fy - 16f;
                px[i * 4 + 1] = 500f * (fx - fy);
                px[i * 4 + 2] = 200f * (fy - fz);
                px[i * 4 + 3] = alpha is null ? 0f : alpha[i] * AlphaScale;
            }
        });
        return canvas;
    }

    private const float WhiteX = 0.9642f, WhiteZ = 0.8249f;

    // CIE 1976: t^(1/3) above (6/29)³, else the linear segment t/(3·(6/29)²) + 4/29.
    private static float F(float t) => t > 216f / 24389f ? MathF.Cbrt(t) : (24389f / 27f * t + 16f) / 116f;

    /// <summary>
    /// <paramref name="original"/> with <paramref name="filled"/> blended in by <paramref name="coverage"/>: only pixels
    /// with coverage go back through LittleCMS; every other pixel keeps its exact input value.
    /// </summary>
    public static WorkImage Composite(WorkImage original, LabCanvas before, LabCanvas filled, ReadOnlySpan<float> coverage)
    {
        int w = original.Width, h = original.Height;
        var changed = new List<int>();
        for (var i = 0; i < w * h; i++)
            if (coverage[i] > 0) changed.Add(i);
        if (changed.Count == 0) return original;

        var packedWidth = Math.Min(changed.Count, 4096);
        var packedHeight = (changed.Count + packedWidth - 1) / packedWidth;
        var packed = new float[(long)packedWidth * packedHeight * 3];
        var newAlpha = new float[changed.Count];
        var b = before.Pixels;
        var f = filled.Pixels;
        for (var j = 0; j < changed.Count; j++)
        {
            var i = changed[j];
            var c = coverage[i];
            for (var lane = 0; lane < 3; lane++)
                packed[j * 3 + lane] = b[i * 4 + lane] + c * (f[i * 4 + lane] - b[i * 4 + lane]);
            newAlpha[j] = Math.Clamp((b[i * 4 + 3] + c * (f[i * 4 + 3] - b[i * 4 + 3])) / AlphaScale, 0f, 1f);
        }
        var labImage = Image.NewFromMemoryCopy<float>(packed, packedWidth, packedHeight, 3, Enums.BandFormat.Float)
            .Copy(interpretation: Enums.Interpretation.Lab);
        var converted = FromLab(labImage, original);

        var bands = original.ColourBands;
        var colour = original.Colour.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        for (var j = 0; j < changed.Count; j++)
            for (var k = 0; k < bands; k++)
                colour[changed[j] * (long)bands + k] = converted[j * bands + k];
        var pixels = Image.NewFromMemoryCopy<float>(colour, w, h, bands, Enums.BandFormat.Float).Copy(interpretation: original.Colour.Interpretation);
        if (original.Alpha is { } alphaImage)
        {
            var alpha = alphaImage.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
            for (var j = 0; j < changed.Count; j++) alpha[changed[j]] = newAlpha[j];
            pixels = pixels.Bandjoin(Image.NewFromMemoryCopy<float>(alpha, w, h, 1, Enums.BandFormat.Float));
        }
        return original.WithPixels(pixels);
    }

    // Lab back into the image's encoding; grey stays grey.
    private static float[] FromLab(Image lab, WorkImage like)
    {
        if (!like.IsGrey) return ColourSpaces.FromLab(lab, like.Profile).WriteToMemory<float>();
        if (like.Profile.IsGrey)
        {
            using var transform = LittleCms.Create(null, LittleCms.PixelFormat.LabFloat, like.Profile, LittleCms.PixelFormat.GreyFloat);
            return transform.Apply(lab).WriteToMemory<float>();
        }
        // Untagged grey is sRGB-encoded grey (ColourSpaces widens it to RGB), so R, G and B are averaged back.
        var rgb = ColourSpaces.FromLab(lab, like.Profile).WriteToMemory<float>();
        var grey = new float[rgb.Length / 3];
        for (var i = 0; i < grey.Length; i++) grey[i] = (rgb[i * 3] + rgb[i * 3 + 1] + rgb[i * 3 + 2]) / 3;
        return grey;
    }
}
