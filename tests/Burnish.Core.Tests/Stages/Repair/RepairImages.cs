using Burnish.Imaging;
using Burnish.Stages.Repair;
using NetVips;

namespace Burnish.Core.Tests.Stages.Repair;

/// <summary>Images and measurements shared by the repair tests.</summary>
internal static class RepairImages
{
    /// <summary>The 256×192 crop of Kodak kodim15 (hair, ribbon, face paint; fixtures/repair/SOURCES.md).</summary>
    public static WorkImage Kodim15Crop() => ImageLoader.Load(Fixtures.PathOf("repair", "kodim15-crop.png"), LoadLimits.Default).Image;

    /// <summary>An sRGB image from interleaved RGB floats (0–1).</summary>
    public static WorkImage Srgb(float[] rgb, int width, int height, int bands = 3) =>
        new(Image.NewFromMemoryCopy<float>(rgb, width, height, bands, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb),
            ShippedProfiles.Srgb);

    /// <summary>
    /// A periodic texture: a product of sines with periods 16 and 12 px, in three colours, plus a fixed dither so no two
    /// periods are bit-identical. Any 16×12-aligned copy of itself is a near-perfect fill.
    /// </summary>
    public static WorkImage Periodic(int width, int height)
    {
        var rgb = new float[width * height * 3];
        var random = new Random(7);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var v = (float)(Math.Sin(2 * Math.PI * x / 16) * Math.Sin(2 * Math.PI * y / 12));
                var i = (y * width + x) * 3;
                var dither = (float)(random.NextDouble() - 0.5) * 0.01f;
                rgb[i] = 0.5f + 0.3f * v + dither;
                rgb[i + 1] = 0.45f - 0.2f * v + dither;
                rgb[i + 2] = 0.35f + 0.1f * (float)Math.Cos(2 * Math.PI * x / 16) + dither;
            }
        return Srgb(rgb, width, height);
    }

    /// <summary>The image with every masked pixel set to black: a real fill cannot copy what was there.</summary>
    public static WorkImage Destroy(WorkImage image, Mask mask)
    {
        var px = Pixels(image);
        var bands = image.Pixels.Bands;
        for (var i = 0; i < image.Width * image.Height; i++)
            if (mask[i % image.Width, i / image.Width] > 0)
                for (var c = 0; c < image.ColourBands; c++) px[i * bands + c] = 0;
        return image.WithPixels(Image.NewFromMemoryCopy<float>(px, image.Width, image.Height, bands, Enums.BandFormat.Float)
            .Copy(interpretation: image.Pixels.Interpretation));
    }

    public static float[] Pixels(WorkImage image) => image.Pixels.Cast(Enums.BandFormat.Float).WriteToMemory<float>();

    /// <summary>L*a*b* of the image, 3 floats per pixel.</summary>
    public static float[] Lab(WorkImage image) => ColourSpaces.ToLab(image).WriteToMemory<float>();

    /// <summary>Root-mean-square CIE76 ΔE over the pixels where <paramref name="where"/> holds.</summary>
    public static double RmsDeltaE(WorkImage a, WorkImage b, Func<int, int, bool> where)
    {
        float[] la = Lab(a), lb = Lab(b);
        double sum = 0;
        var n = 0;
        for (var y = 0; y < a.Height; y++)
            for (var x = 0; x < a.Width; x++)
            {
                if (!where(x, y)) continue;
                var i = (y * a.Width + x) * 3;
                double dl = la[i] - lb[i], da = la[i + 1] - lb[i + 1], db = la[i + 2] - lb[i + 2];
                sum += dl * dl + da * da + db * db;
                n++;
            }
        return Math.Sqrt(sum / n);
    }

    /// <summary>
    /// The mean |ΔL*| between each hole pixel and its known 4-neighbours in <paramref name="result"/>, over the same
    /// in <paramref name="truth"/>: 1 when the edge is as continuous as the truth's, above 1 for a seam.
    /// </summary>
    public static double EdgeStepRatio(WorkImage result, WorkImage truth, Mask hole)
    {
        float[] lr = Lab(result), lt = Lab(truth);
        int w = result.Width, h = result.Height;
        double sr = 0, st = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                if (hole[x, y] == 0) continue;
                foreach (var (nx, ny) in new[] { (x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1) })
                {
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h || hole[nx, ny] > 0) continue;
                    sr += Math.Abs(lr[(y * w + x) * 3] - lr[(ny * w + nx) * 3]);
                    st += Math.Abs(lt[(y * w + x) * 3] - lt[(ny * w + nx) * 3]);
                }
            }
        return sr / st;
    }
}
