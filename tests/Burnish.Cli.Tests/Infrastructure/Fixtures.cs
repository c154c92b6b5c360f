using Burnish.Imaging;
using NetVips;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>The committed fixture images (see fixtures/SOURCES.md) and small recipes the tests write.</summary>
public static class Fixtures
{
    public static string Dir { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>512×512 8-bit RGB, untagged; ComfyUI tEXt <c>prompt</c> and <c>workflow</c>.</summary>
    public static string ComfyUi { get; } = Path.Combine(Dir, "comfyui-sdxl-turbo.png");

    /// <summary>256×192 8-bit RGB, untagged; A1111 tEXt <c>parameters</c>.</summary>
    public static string A1111 { get; } = Path.Combine(Dir, "a1111-parameters.png");

    /// <summary>342×256 16-bit RGBA with an embedded Adobe RGB (1998) profile.</summary>
    public static string Tree16 { get; } = Path.Combine(Dir, "tree_alpha_16bit.png");

    /// <summary>48×48 8-bit RGBA logo with an embedded Adobe RGB (1998) profile.</summary>
    public static string Logo { get; } = Path.Combine(Dir, "logo-adobergb.png");

    /// <summary>Five children's faces, 566×350 JPEG (see fixtures/SOURCES.md).</summary>
    public static string Children { get; } = Path.Combine(Dir, "children.jpg");

    /// <summary>
    /// A recipe with the default master and one lossless copy whose long edge is <paramref name="longEdge"/>: cheap to
    /// make, and named NAME.<paramref name="copyName"/>.png.
    /// </summary>
    public static string SmallRecipe(int longEdge = 256, string copyName = "small", string? onConflict = null) =>
        $"""
        version: 1
        export:
          copies:
            - long_edge: {longEdge}
              format: png
              name: {copyName}
        {(onConflict is null ? "" : $"  on_conflict: {onConflict}")}
        """;
}

/// <summary>Reads outputs back with libvips (through NetVips, as the app does) and Burnish's own ICC header reader.</summary>
public static class Pixels
{
    static Pixels()
    {
        // Tests rewrite files under one name (overwrite, resume); libvips' cache would hand back the old image.
        Cache.Max = 0;
        Cache.MaxFiles = 0;
    }

    public static (int Width, int Height) Size(string path)
    {
        using var image = Image.NewFromFile(path);
        return (image.Width, image.Height);
    }

    /// <summary>The 'desc' text of the embedded ICC profile; fails when there is none.</summary>
    public static string IccDescription(string path)
    {
        using var image = Image.NewFromFile(path);
        Assert.True(image.Contains("icc-profile-data"), $"{path} has no embedded ICC profile");
        return IccHeader.Read((byte[])image.Get("icc-profile-data")).Description ?? "";
    }

    /// <summary>Decodes every pixel, failing on any decoder error (a truncated or half-written file throws here).</summary>
    public static void DecodeFully(string path)
    {
        using var image = Image.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        _ = image.Avg();
    }

    /// <summary>
    /// Decoded pixels on a 0–255 scale as double, always RGB(A): grey is widened, 16-bit divided by 257.
    /// <paramref name="toSrgb"/> converts an embedded profile to sRGB (LittleCMS inside libvips).
    /// </summary>
    public static Image Rgb255(string path, bool toSrgb = false)
    {
        var image = Image.NewFromFile(path, access: Enums.Access.Random);
        if (toSrgb && image.Contains("icc-profile-data"))
            image = image.IccTransform("srgb", embedded: true, intent: Enums.Intent.Relative, depth: 16);
        var sixteen = image.Format == Enums.BandFormat.Ushort;
        var d = image.Cast(Enums.BandFormat.Double);
        if (sixteen) d /= 257.0;
        if (d.Bands is 1 or 2)
        {
            var grey = d[0];
            var rgb = grey.Bandjoin(grey, grey);
            d = d.Bands == 2 ? rgb.Bandjoin(d[1]) : rgb;
        }
        return d.CopyMemory();
    }

    /// <summary>
    /// Mean difference per band, the largest difference of any sample, and the share of samples more than
    /// <paramref name="levels"/> apart; all in 8-bit levels. With alpha, colour is compared premultiplied (what is seen):
    /// the colour under a fully transparent pixel is invisible, and an encoder may zero it.
    /// </summary>
    public static (double[] MeanDiff, double MaxDiff, double ShareOver) Compare(Image expected, Image actual, double levels)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Bands), (actual.Width, actual.Height, actual.Bands));
        var (e, a) = (Visible(expected), Visible(actual));
        var means = Enumerable.Range(0, expected.Bands).Select(b => a[b].Avg() - e[b].Avg()).ToArray();
        var diff = (a - e).Abs();
        return (means, diff.Max(), (diff > levels).Avg() / 255.0);
    }

    private static Image Visible(Image rgb255) =>
        rgb255.Bands == 4 ? (rgb255.ExtractBand(0, 3) * (rgb255[3] / 255.0)).Bandjoin(rgb255[3]) : rgb255;
}
