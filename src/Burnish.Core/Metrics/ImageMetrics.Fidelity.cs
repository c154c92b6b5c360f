using Burnish.Imaging;
using NetVips;

namespace Burnish.Metrics;

public static partial class ImageMetrics
{
    /// <summary>SSIM's Gaussian window: 11 taps, σ 1.5 (Wang et al. 2004).</summary>
    public const int SsimWindow = 11;

    /// <summary>SSIM's Gaussian window sigma.</summary>
    public const double SsimSigma = 1.5;

    /// <summary>
    /// PSNR in dB of <paramref name="image"/> against <paramref name="truth"/> over every colour channel, on encoded
    /// values clamped to 0–1 (peak 1); the truth is first converted to the image's profile if it has another.
    /// +∞ when the two are identical. Throws <see cref="BurnishException"/> when the sizes differ.
    /// </summary>
    public static double Psnr(WorkImage image, WorkImage truth)
    {
        var (x, y) = Comparable(image, truth);
        var d = x - y;
        return PsnrOf((d * d).Avg(), 1);
    }

    /// <summary>
    /// PSNR on luma as the super-resolution benchmarks compute it (BasicSR, MATLAB): Y = 16 + 65.481 R + 128.553 G +
    /// 24.966 B (BT.601, RGB encoded 0–1, Y 16–235), peak 255, with <paramref name="border"/> pixels cropped from every
    /// side (the scale factor, by convention). For parity with published tables, pass 8-bit images.
    /// </summary>
    public static double PsnrY(WorkImage image, WorkImage truth, int border = 0)
    {
        var (x, y) = LumaPair(image, truth, border);
        var d = x - y;
        return PsnrOf((d * d).Avg(), 255);
    }

    /// <summary>SSIM of <paramref name="image"/> against <paramref name="truth"/> on BT.601 Y, without a border crop: <see cref="SsimY"/>.</summary>
    public static double Ssim(WorkImage image, WorkImage truth) => SsimY(image, truth, 0);

    /// <summary>
    /// SSIM (Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image quality assessment: from error visibility
    /// to structural similarity", IEEE TIP 13(4), 2004) on Y as in <see cref="PsnrY"/> (range 255, K1 0.01, K2 0.03),
    /// with an 11-tap Gaussian window of σ 1.5, population (not sample) statistics, averaged over the positions where
    /// the window lies wholly inside the image after <paramref name="border"/> pixels are cropped from every side:
    /// scikit-image's <c>structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
    /// data_range=255)</c>, and BasicSR's <c>calculate_ssim</c>.
    /// </summary>
    public static double SsimY(WorkImage image, WorkImage truth, int border = 0)
    {
        var (x, y) = LumaPair(image, truth, border);
        if (x.Width < SsimWindow || x.Height < SsimWindow)
            throw new BurnishException($"SSIM needs at least {SsimWindow}×{SsimWindow} pixels after the border crop; the image has {x.Width}×{x.Height}");
        const double C1 = 0.01 * 255 * (0.01 * 255), C2 = 0.03 * 255 * (0.03 * 255);
        var window = Window();
        Image Mean(Image i) => i.Convsep(window, precision: Enums.Precision.Float);
        var muX = Mean(x);
        var muY = Mean(y);
        var varX = Mean(x * x) - muX * muX;
        var varY = Mean(y * y) - muY * muY;
        var covariance = Mean(x * y) - muX * muY;
        var map = (2 * muX * muY + C1) * (2 * covariance + C2) / ((muX * muX + muY * muY + C1) * (varX + varY + C2));
        var pad = SsimWindow / 2;
        return map.Crop(pad, pad, x.Width - 2 * pad, x.Height - 2 * pad).Avg();
    }

    private static double PsnrOf(double mse, double peak) => mse <= 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);

    private static Image Window()
    {
        var taps = new double[SsimWindow];
        for (var i = 0; i < SsimWindow; i++)
        {
            var d = i - SsimWindow / 2;
            taps[i] = Math.Exp(-d * d / (2 * SsimSigma * SsimSigma));
        }
        var sum = taps.Sum();
        return Image.NewFromArray(taps.Select(t => t / sum).ToArray());
    }

    /// <summary>Both images' colour bands in double, clamped to 0–1, in the image's profile and band count.</summary>
    private static (Image Image, Image Truth) Comparable(WorkImage image, WorkImage truth)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(truth);
        CheckSameSize(image, truth);
        if (!truth.Profile.SameAs(image.Profile) && !(truth.IsGrey && image.IsGrey)) truth = ColourSpaces.Convert(truth, image.Profile);
        Image Clamped(WorkImage w)
        {
            var c = w.Colour.Cast(Enums.BandFormat.Double).Clamp(min: 0.0, max: 1.0);
            return c.Bands == 1 && !(image.IsGrey && truth.IsGrey) ? c.Bandjoin(c, c) : c;
        }
        return (Clamped(image), Clamped(truth));
    }

    private static (Image Image, Image Truth) LumaPair(WorkImage image, WorkImage truth, int border)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(border);
        var (x, y) = Comparable(image, truth);
        if (2 * border >= x.Width || 2 * border >= x.Height)
            throw new BurnishException($"a border of {border} pixels leaves nothing of a {x.Width}×{x.Height} image");
        Image Luma(Image c)
        {
            var luma = c.Bands == 1 ? c * 219.0 + 16.0 : c[0] * 65.481 + c[1] * 128.553 + c[2] * 24.966 + 16.0;
            return border == 0 ? luma : luma.Crop(border, border, c.Width - 2 * border, c.Height - 2 * border);
        }
        return (Luma(x), Luma(y));
    }
}
