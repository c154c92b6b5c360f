using System.Globalization;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests;

/// <summary>Paths to committed fixtures, temp folders, and small image builders shared by the tests.</summary>
internal static class Fixtures
{
    public static string PathOf(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>The checkout the tests were built from (the folder holding Burnish.slnx), or null outside one.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return dir.FullName;
        return null;
    }

    /// <summary>A CSV of numbers with a header line, as the golden scripts write them.</summary>
    public static IReadOnlyList<double[]> Csv(string name) =>
        File.ReadAllLines(PathOf("golden", name)).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();

    /// <summary>A one-row float image (0–1) from 16-bit code values, one pixel per triple.</summary>
    public static Image Row16(IEnumerable<(double R, double G, double B)> pixels)
    {
        var values = pixels.SelectMany(p => new[] { (float)(p.R / 65535), (float)(p.G / 65535), (float)(p.B / 65535) }).ToArray();
        return Image.NewFromMemory(values, values.Length / 3, 1, 3, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb);
    }

    /// <summary>CIEDE2000 between two float RGB images in the same profile, per pixel (libvips dE00 on LittleCMS Lab).</summary>
    public static double[] DeltaE00(Image a, Image b, ColourProfile profile)
    {
        var la = ColourSpaces.ToLab(new WorkImage(a, profile));
        var lb = ColourSpaces.ToLab(new WorkImage(b, profile));
        return la.DE00(lb).WriteToMemory<float>().Select(v => (double)v).ToArray();
    }

    public static float[] Pixels(Image image) => image.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
}

/// <summary>A temp folder removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("burnish-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
