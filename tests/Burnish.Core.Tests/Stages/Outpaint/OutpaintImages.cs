using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Stages.Outpaint;

/// <summary>The outpaint fixtures (fixtures/outpaint/SOURCES.md) and the measurements the tests make on results.</summary>
internal static class OutpaintImages
{
    /// <summary>384×288, 4:3: a woman before Half Dome; the scene changes towards both sides.</summary>
    public static WorkImage Yosemite() => Load("yosemite-384x288.png");

    /// <summary>384×384: a girl in a rice field before a tree line; field and trees continue to both sides.</summary>
    public static WorkImage Field() => Load("field-384.png");

    /// <summary>342×256 16-bit RGBA, Adobe RGB (1998): a tree cut out on a transparent ground.</summary>
    public static WorkImage Tree() => ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;

    private static WorkImage Load(string name) => ImageLoader.Load(Fixtures.PathOf("outpaint", name), LoadLimits.Default).Image;

    public static WorkImage Crop(WorkImage image, int x, int y, int w, int h) => image.WithPixels(image.Pixels.Crop(x, y, w, h).CopyMemory());

    /// <summary>Every sample, as float, row-major and interleaved.</summary>
    public static float[] Samples(WorkImage image) => image.Pixels.Cast(Enums.BandFormat.Float).WriteToMemory<float>();

    /// <summary>CIE L* of every pixel (LittleCMS, D50).</summary>
    public static float[] Lightness(WorkImage image)
    {
        var lab = ColourSpaces.ToLab(image).WriteToMemory<float>();
        var l = new float[image.Width * image.Height];
        for (var i = 0; i < l.Length; i++) l[i] = lab[3 * i];
        return l;
    }

    /// <summary>Mean |L*(x) − L*(x−1)| over every row, for the column pairs x in [x0, x1).</summary>
    public static double MeanColumnStep(float[] l, int width, int height, int x0, int x1)
    {
        double sum = 0;
        long n = 0;
        for (var y = 0; y < height; y++)
            for (var x = Math.Max(1, x0); x < Math.Min(width, x1); x++, n++)
                sum += Math.Abs(l[y * width + x] - l[y * width + x - 1]);
        return sum / n;
    }

    /// <summary>Mean |∇²L*| (4-neighbour Laplacian) over the columns [x0, x1), away from the image's border: texture.</summary>
    public static double MeanLaplacian(float[] l, int width, int height, int x0, int x1)
    {
        double sum = 0;
        long n = 0;
        for (var y = 1; y < height - 1; y++)
            for (var x = Math.Max(1, x0); x < Math.Min(width - 1, x1); x++, n++)
            {
                var i = y * width + x;
                sum += Math.Abs(4 * l[i] - l[i - 1] - l[i + 1] - l[i - width] - l[i + width]);
            }
        return sum / n;
    }
}
