using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The colour-drift fix: the result keeps its own fine structure and takes the low-frequency colour of the
/// classical upscale, lab′ = lab + G_σ(classical − lab) on a* and b* (and L* when asked), a two-level Gaussian
/// pyramid transfer in the spirit of the wavelet colour fix of StableSR (J. Wang et al., "Exploiting diffusion prior
/// for real-world image super-resolution", 2023). The blur runs on a shrunk copy of the difference (it is smooth by
/// construction), so its cost does not grow with σ. Lazy at full size: the result streams in bands.
/// </summary>
internal static class ColourMatch
{
    /// <summary><paramref name="lab"/> with its coarse a*, b* (and L* when <paramref name="lightness"/>) replaced by <paramref name="classicalLab"/>'s, at gaussian σ <paramref name="sigma"/> output pixels.</summary>
    public static Image Apply(Image lab, Image classicalLab, double sigma, bool lightness)
    {
        var first = lightness ? 0 : 1;
        var difference = (classicalLab.ExtractBand(first, 3 - first) - lab.ExtractBand(first, 3 - first)).Cast(Enums.BandFormat.Float);
        // Shrink so the blur is σ 2 on the small copy; box shrinking adds a little blur of its own (σ ≈ f/√12).
        var factor = Math.Max(1, sigma / 2);
        var small = factor > 1
            ? DetailBands.ResizeTo(difference.Shrink(factor, factor), Math.Max(1, (int)Math.Round(lab.Width / factor)), Math.Max(1, (int)Math.Round(lab.Height / factor)))
            : difference;
        var blurred = small.Gaussblur(sigma / factor, minAmpl: 0.01, precision: Enums.Precision.Float);
        // The shrunk field is small: made in one pass over the images and held. At full size it stays lazy, read in bands.
        if (factor > 1) blurred = blurred.CopyMemory();
        var correction = factor > 1 ? DetailBands.ResizeTo(blurred, lab.Width, lab.Height) : blurred;
        var corrected = lab.ExtractBand(first, 3 - first) + correction;
        return lightness ? corrected : lab[0].Bandjoin(corrected);
    }
}
