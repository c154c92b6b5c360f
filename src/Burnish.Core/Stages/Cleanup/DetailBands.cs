using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The detail control: a per-band blend of the AI result with the classical upscale, on the difference between them
/// (linear, so one Laplacian pyramid of the difference does it; P. J. Burt and E. H. Adelson, "The Laplacian
/// pyramid as a compact image code", IEEE Trans. Commun. 31(4), 1983). Bands finer than the source's own pixels
/// (log2(scale) octaves) take the weight <c>detail</c>; each coarser octave takes the square root of the one
/// before (detail^½, detail^¼, and detail^⅛ for the residual), so shapes and edges survive a low setting.
/// detail 1 returns the AI result and detail 0 the classical upscale, exactly, whatever the filters: the pyramid
/// reconstructs what it decomposed.
/// </summary>
internal static class DetailBands
{
    /// <summary>The weight of pyramid level <paramref name="level"/> (0 finest; the residual is the last level) when <paramref name="fineLevels"/> octaves lie below one source pixel.</summary>
    public static double Weight(double detail, int level, int fineLevels) =>
        level < fineLevels ? detail : Math.Pow(detail, Math.Pow(0.5, level - fineLevels + 1));

    /// <summary>Octaves finer than one source pixel: log2 of the upscale factor, rounded.</summary>
    public static int FineLevels(double scale) => Math.Max(0, (int)Math.Round(Math.Log2(Math.Max(scale, 1))));

    /// <summary>
    /// <paramref name="classical"/> + the banded, weighted difference (<paramref name="ai"/> − <paramref name="classical"/>); any
    /// band count. Lazy at full size: the coarser levels (a third of the image's samples in all) are made in one pass
    /// and held; the finest level and the sum are computed wherever the result is read, so it streams in bands.
    /// </summary>
    public static Image Blend(Image ai, Image classical, double detail, double scale)
    {
        var fine = FineLevels(scale);
        var levels = fine + 2;
        var gaussian = new List<Image> { (ai - classical).Cast(Enums.BandFormat.Float) };
        while (gaussian.Count <= levels && Math.Min(gaussian[^1].Width, gaussian[^1].Height) >= 8)
            gaussian.Add(ResizeTo(gaussian[^1], (gaussian[^1].Width + 1) / 2, (gaussian[^1].Height + 1) / 2).CopyMemory());
        var top = gaussian.Count - 1;
        // R_top = w_top·G_top; R_k = w_k·G_k + Up(R_k+1 − w_k·G_k+1)  (= w_k·(G_k − Up G_k+1) + Up R_k+1, Up being linear).
        var rebuilt = gaussian[top] * Weight(detail, top, fine);
        for (var k = top - 1; k >= 0; k--)
        {
            var w = Weight(detail, k, fine);
            var level = gaussian[k] * w + ResizeTo(rebuilt - gaussian[k + 1] * w, gaussian[k].Width, gaussian[k].Height);
            rebuilt = k > 0 ? level.CopyMemory() : level;
        }
        return classical + rebuilt;
    }

    /// <summary>Linear resampling to exactly <paramref name="width"/>×<paramref name="height"/> (libvips rounds sizes).</summary>
    internal static Image ResizeTo(Image image, int width, int height)
    {
        var resized = image.Resize((double)width / image.Width, vscale: (double)height / image.Height, kernel: Enums.Kernel.Linear);
        return resized.Width == width && resized.Height == height ? resized : resized.Embed(0, 0, width, height, extend: Enums.Extend.Copy);
    }
}
