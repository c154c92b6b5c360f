using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Grade;

/// <summary>One image under several looks, side by side and labelled, so a person can choose by looking.</summary>
public static class ContactSheet
{
    /// <summary>Renders the original and every look as sRGB tiles (long edge <paramref name="tile"/>) with a caption each.</summary>
    public static WorkImage Render(WorkImage image, IReadOnlyList<(string Label, GradeParams Look)> looks, int tile = 480, int across = 3, CancellationToken cancel = default)
    {
        var scale = Math.Min(1.0, (double)tile / Math.Max(image.Width, image.Height));
        var small = LinearImage.Of(image).Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
        var tiles = new List<Image> { Caption(LookPreview.ToSrgb(small), "original") };
        foreach (var (label, look) in looks)
        {
            cancel.ThrowIfCancellationRequested();
            tiles.Add(Caption(LookPreview.Render(small, look, cancel), label));
        }
        var sheet = Image.Arrayjoin([.. tiles], across: Math.Min(across, tiles.Count), shim: 12, background: [1.0]);
        return new WorkImage(sheet.Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);
    }

    // White label strip under the tile, black text (libvips text, rendered by Pango with the system fonts).
    private static Image Caption(Image tile, string label)
    {
        var text = Image.Text(label, dpi: 144, font: "sans 10");
        var ink = (text.Cast(Enums.BandFormat.Float) / -255.0) + 1.0;
        var strip = (Image.Black(tile.Width, text.Height + 12) + 1.0).Insert(ink, Math.Max(0, (tile.Width - text.Width) / 2), 6);
        return tile.Join(strip.Bandjoin(strip, strip), Enums.Direction.Vertical, background: [1.0, 1.0, 1.0]);
    }
}
