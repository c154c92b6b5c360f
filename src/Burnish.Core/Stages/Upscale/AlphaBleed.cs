using NetVips;

namespace Burnish.Stages.Upscale;

/// <summary>
/// Gives fully transparent pixels the colour of the nearest visible ones (alpha-weighted averages over a pyramid), so a
/// filter or a model that mixes neighbours cannot pull black or stale colour into a cut-out's edge. Pixels with any
/// opacity keep their own colour.
/// </summary>
public static class AlphaBleed
{
    /// <summary>Below this alpha a pixel's colour is treated as undefined.</summary>
    public const double Transparent = 1.0 / 512;

    public static Image Fill(Image colour, Image alpha)
    {
        var premultiplied = colour * alpha;
        int w = colour.Width, h = colour.Height;
        Image? fill = null;
        Image? reached = null;
        // Finest level first: each coarser level fills only what the finer ones could not reach.
        for (var f = 1; f <= Math.Max(w, h) * 2; f *= 4)
        {
            var p = Level(premultiplied, f, w, h);
            var a = Level(alpha, f, w, h);
            var level = p / (a < 1e-9).Ifthenelse(1e-9, a);
            var here = a > 1e-6;
            fill = fill is null ? level : reached!.Ifthenelse(fill, level);
            reached = reached is null ? here : reached | here;
        }
        // An image with no visible pixel at all keeps its colour: there is nothing to bleed from.
        fill = reached!.Ifthenelse(fill!, colour);
        return (alpha > Transparent).Ifthenelse(colour, fill).Cast(Enums.BandFormat.Float).CopyMemory();
    }

    // A blurred average at 1/f resolution, brought back to full size.
    private static Image Level(Image image, int f, int w, int h)
    {
        var small = f == 1 ? image : image.Resize(1.0 / f, kernel: Enums.Kernel.Linear);
        small = small.Gaussblur(1.5, minAmpl: 0.01);
        if (f == 1) return small;
        var up = small.Resize((double)w / small.Width, vscale: (double)h / small.Height, kernel: Enums.Kernel.Linear);
        return up.Width == w && up.Height == h ? up : up.Embed(0, 0, w, h, extend: Enums.Extend.Copy);
    }
}
