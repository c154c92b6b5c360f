using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The colour-drift fix: the result keeps its own fine structure and takes the low-frequency colour of the
/// classical upscale, lab′ = lab + G_σ(classical − lab) on a* and b* (and L* when asked), a two-level Gaussian
/// pyramid transfer in the spirit of the wavelet colour fix of StableSR (J. Wang et al., "Exploiting diffusion prior
/// for real-world image super-resolution", 2023). The blur runs on a box-shrunk copy of the difference (it is smooth
/// by construction), so its cost does not grow with σ. That copy is made in one pass over both images, top to bottom
/// in bands, and held (1/f² of the size); the correction is enlarged from it wherever the result is read.
/// </summary>
internal static class ColourMatch
{
    /// <summary><paramref name="lab"/> with its coarse a*, b* (and L* when <paramref name="lightness"/>) replaced by <paramref name="classicalLab"/>'s, at gaussian σ <paramref name="sigma"/> output pixels.</summary>
    public static Image Apply(Image lab, Image classicalLab, double sigma, bool lightness, CancellationToken cancel = default)
    {
        var first = lightness ? 0 : 1;
        // A whole shrink factor, so the blur on the small copy is σ 2–4; box shrinking adds a little blur of its own (σ ≈ f/√12).
        var factor = Math.Max(1, (int)Math.Floor(sigma / 2));
        Image correction;
        if (factor > 1)
        {
            var small = ShrunkDifference(lab, classicalLab, first, factor, cancel);
            var blurred = small.Gaussblur(sigma / factor, minAmpl: 0.01, precision: Enums.Precision.Float).CopyMemory();
            correction = DetailBands.ResizeTo(blurred, lab.Width, lab.Height);
        }
        else
        {
            var difference = (classicalLab.ExtractBand(first, 3 - first) - lab.ExtractBand(first, 3 - first)).Cast(Enums.BandFormat.Float);
            correction = difference.Gaussblur(sigma, minAmpl: 0.01, precision: Enums.Precision.Float);
        }
        var corrected = lab.ExtractBand(first, 3 - first) + correction;
        return lightness ? corrected : lab[0].Bandjoin(corrected);
    }

    /// <summary>
    /// Means of (classical − lab) over <paramref name="factor"/>² blocks (the last ones partial), bands
    /// <paramref name="first"/>…2: read top to bottom in bands of whole blocks, so each lazy input computes each of its
    /// bands once (libvips' own shrink pulls regions in whatever order its threads take them).
    /// </summary>
    private static Image ShrunkDifference(Image lab, Image classicalLab, int first, int factor, CancellationToken cancel)
    {
        int w = lab.Width, h = lab.Height, sw = (w + factor - 1) / factor, sh = (h + factor - 1) / factor, bands = 3 - first;
        var small = new float[(long)sw * sh * bands];
        var readRows = factor * Math.Max(1, Strips.DefaultBandRows / factor);
        var a = new float[(long)readRows * w * 3];
        var c = new float[(long)readRows * w * 3];
        for (var y = 0; y < h; y += readRows)
        {
            cancel.ThrowIfCancellationRequested();
            var rows = Math.Min(readRows, h - y);
            Strips.ReadRows(lab, y, rows, a);
            Strips.ReadRows(classicalLab, y, rows, c);
            var blockRows = (rows + factor - 1) / factor;
            Parallel.For(0, blockRows, ImageThreads.Options(), br =>
            {
                var sums = new double[sw * bands];
                int r0 = br * factor, r1 = Math.Min(rows, r0 + factor);
                for (var r = r0; r < r1; r++)
                    for (var x = 0; x < w; x++)
                    {
                        var i = (r * w + x) * 3 + first;
                        var s = x / factor * bands;
                        for (var b = 0; b < bands; b++) sums[s + b] += c[i + b] - a[i + b];
                    }
                var outRow = (y / factor + br) * sw * bands;
                for (var sx = 0; sx < sw; sx++)
                {
                    var pixels = (double)(r1 - r0) * (Math.Min(w, (sx + 1) * factor) - sx * factor);
                    for (var b = 0; b < bands; b++) small[outRow + sx * bands + b] = (float)(sums[sx * bands + b] / pixels);
                }
            });
        }
        return Image.NewFromMemoryCopy<float>(small, sw, sh, bands, Enums.BandFormat.Float);
    }
}
