using NetVips;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>Real generations with a caption burnt in, as people post them: the input of the automatic text mask.</summary>
public static class Captions
{
    /// <summary>Writes <paramref name="fixture"/> with <paramref name="text"/> in white DejaVu Sans Bold at (x, y) to <paramref name="path"/>; returns the clean image.</summary>
    public static Image Burn(string fixture, string text, int points, int x, int y, string path)
    {
        var clean = Image.NewFromFile(fixture);
        var mask = Image.Text(text, font: $"DejaVu Sans Bold {points}", dpi: 72).Embed(x, y, clean.Width, clean.Height);
        mask.Ifthenelse(new double[] { 250, 250, 250 }, clean, blend: true).Cast(Enums.BandFormat.Uchar).WriteToFile(path);
        return clean;
    }
}
