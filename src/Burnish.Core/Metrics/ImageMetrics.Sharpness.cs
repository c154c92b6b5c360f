using Burnish.Imaging;
using NetVips;

namespace Burnish.Metrics;

public static partial class ImageMetrics
{
    /// <summary>An edge, for acutance, is where L* varies by at least this much across a 3×3 neighbourhood.</summary>
    public const double EdgeFloor = HaloMeter.DefaultEdgeFloor;

    /// <summary>The share of strongest gradients left out of the noise estimate as structure (Tai and Yang 2008).</summary>
    public const double NoiseEdgeShare = 0.10;

    /// <summary>
    /// Sharpness: the variance of the 4-neighbour Laplacian of L* over the interior pixels (Pech-Pacheco et al. 2000).
    /// Blur lowers it, sharpening and noise raise it.
    /// </summary>
    public static double LaplacianVariance(WorkImage image) => LaplacianVariance(Lightness.Of(image));

    /// <summary>Edge acutance: the RMS central-difference gradient of L* (L* per pixel) over edge pixels, those whose 3×3 range of L* is at least <see cref="EdgeFloor"/>; 0 without edges.</summary>
    public static double Acutance(WorkImage image, CancellationToken cancel = default) => Acutance(Lightness.Of(image), cancel);

    /// <summary>
    /// Noise sigma in L* units: Immerkær's fast estimate, σ = √(π/2)·mean|L*∗N|/6 with N the difference of two
    /// Laplacians (J. Immerkær, "Fast noise variance estimation", CVIU 64(2), 1996), taken over the pixels whose Sobel
    /// gradient is not among the strongest <see cref="NoiseEdgeShare"/>, so edges do not count as noise
    /// (S.-C. Tai and S.-M. Yang, "A fast method for image noise estimation using Laplacian operator and adaptive edge
    /// detection", ISCCSP 2008). Fine texture still counts: on a textured image it is an upper bound.
    /// </summary>
    public static double NoiseSigma(WorkImage image) => NoiseSigma(Lightness.Of(image));

    internal static double LaplacianVariance(Lightness l)
    {
        if (l.Width < 3 || l.Height < 3) return 0;
        var laplacian = Interior(l.AsImage().Conv(Kernel(new double[,] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } }), precision: Enums.Precision.Float));
        var deviation = laplacian.Deviate();
        return deviation * deviation;
    }

    internal static double Acutance(Lightness l, CancellationToken cancel) =>
        HaloMeter.Measure(l.Plane, l.Plane, l.Alpha, l.Width, l.Height, 1, EdgeFloor, cancel).RmsSlopeAfter;

    internal static double NoiseSigma(Lightness l)
    {
        if (l.Width < 3 || l.Height < 3) return 0;
        var plane = l.AsImage().Cast(Enums.BandFormat.Double);
        var residual = Interior(plane.Conv(Kernel(new double[,] { { 1, -2, 1 }, { -2, 4, -2 }, { 1, -2, 1 } }), precision: Enums.Precision.Float)).Abs();
        var gx = Interior(plane.Conv(Kernel(new double[,] { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } }), precision: Enums.Precision.Float));
        var gy = Interior(plane.Conv(Kernel(new double[,] { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } }), precision: Enums.Precision.Float));
        var gradient = (gx * gx + gy * gy).Pow(0.5).CopyMemory();
        // libvips finds percentiles on integer histograms: gradients in steps of 1/100 L* per pixel (the largest possible, 4·100·√2, fits in ushort).
        var threshold = (gradient * 100).Cast(Enums.BandFormat.Ushort).Percent(100 * (1 - NoiseEdgeShare)) / 100.0;
        var flat = (gradient <= threshold) / 255.0;
        var share = flat.Avg();
        if (share <= 0) return 0;
        var meanAbs = (residual * flat).Avg() / share;
        return Math.Sqrt(Math.PI / 2) * meanAbs / 6;
    }

    private static Image Kernel(double[,] taps) => Image.NewFromArray(taps);

    // The convolutions above extend the edges; only pixels with a whole 3×3 neighbourhood are counted.
    private static Image Interior(Image image) => image.Crop(1, 1, image.Width - 2, image.Height - 2);
}
