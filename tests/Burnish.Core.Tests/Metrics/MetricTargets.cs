using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Metrics;

/// <summary>Images with known answers for the metric tests, built in CIE Lab and converted to sRGB (unbounded float).</summary>
internal static class MetricTargets
{
    public static WorkImage Face() => ImageLoader.Load(Fixtures.PathOf("metrics", "flux-girl-face.png"), LoadLimits.Default).Image;

    public static WorkImage FaceDegraded() => ImageLoader.Load(Fixtures.PathOf("metrics", "flux-girl-face-degraded.png"), LoadLimits.Default).Image;

    /// <summary>An sRGB image whose L* is <paramref name="lightness"/> and whose a*, b* are constant.</summary>
    public static WorkImage FromLightness(float[] lightness, int width, int height, double a = 0, double b = 0)
    {
        var lab = new float[lightness.Length * 3];
        for (var i = 0; i < lightness.Length; i++)
        {
            lab[3 * i] = lightness[i];
            lab[3 * i + 1] = (float)a;
            lab[3 * i + 2] = (float)b;
        }
        return FromLab(lab, width, height);
    }

    /// <summary>An interleaved Lab buffer as an sRGB work image.</summary>
    public static WorkImage FromLab(float[] lab, int width, int height) => FromLab(Image.NewFromMemoryCopy<float>(lab, width, height, 3, Enums.BandFormat.Float));

    public static WorkImage FromLab(Image lab) =>
        new(ColourSpaces.FromLab(lab.Copy(interpretation: Enums.Interpretation.Lab), ShippedProfiles.Srgb), ShippedProfiles.Srgb);

    /// <summary>A flat colour.</summary>
    public static WorkImage Flat(int width, int height, double l, double a, double b) =>
        FromLab([.. Enumerable.Range(0, width * height).SelectMany(_ => new[] { (float)l, (float)a, (float)b })], width, height);

    /// <summary><paramref name="image"/> with gaussian noise of <paramref name="sigma"/> L* units added to L* (a*, b* kept), seeded.</summary>
    public static WorkImage WithLightnessNoise(WorkImage image, double sigma, int seed)
    {
        var lab = ColourSpaces.ToLab(image);
        var noise = Image.Gaussnoise(image.Width, image.Height, mean: 0, sigma: sigma, seed: seed);
        return FromLab((lab[0] + noise).Bandjoin(lab[1], lab[2]).Cast(Enums.BandFormat.Float));
    }

    /// <summary>A gaussian blur of the encoded values (libvips, mask down to 1/1000 of its peak).</summary>
    public static WorkImage Blurred(WorkImage image, double sigma) =>
        image.WithPixels(image.Pixels.Gaussblur(sigma, minAmpl: 0.001, precision: Enums.Precision.Float));

    /// <summary>A vertical step in L* between columns width/2−1 and width/2, blurred by a gaussian of <paramref name="sigma"/> px (0: hard).</summary>
    public static float[] Step(int width, int height, double dark, double light, double sigma)
    {
        var l = new float[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                l[y * width + x] = (float)(sigma <= 0
                    ? (x < width / 2 ? dark : light)
                    : dark + (light - dark) * Stages.Sharpen.SharpenTargets.Phi((x - (width / 2 - 0.5)) / sigma));
        return l;
    }

    /// <summary>L* + amount·(L* − gaussian blur of L*): an unsharp mask with nothing to stop its halos.</summary>
    public static float[] OverSharpened(float[] l, int width, int height, double sigma, double amount)
    {
        var plane = Image.NewFromMemoryCopy<float>(l, width, height, 1, Enums.BandFormat.Float);
        var blur = plane.Gaussblur(sigma, minAmpl: 0.001, precision: Enums.Precision.Float);
        return (plane + (plane - blur) * amount).Cast(Enums.BandFormat.Float).WriteToMemory<float>();
    }
}
