using Burnish.Imaging;

namespace Burnish.Metrics;

public static partial class ImageMetrics
{
    /// <summary>
    /// Without a reference, halos are measured against the image with its bright and dark bands up to this many
    /// pixels either side flattened (<see cref="MinMaxFilter.OpenClose"/> over a 5×5 square).
    /// </summary>
    public const int SelfReferenceRadius = 2;

    /// <summary>
    /// The neighbourhood half-size the halo is measured over, in image pixels, for an image that is
    /// <paramref name="scale"/> times its reference: wide enough to span an edge of the (upscaled) reference and the
    /// overshoot beside it, 1.5 reference pixels, at least 2.
    /// </summary>
    public static int HaloWindow(double scale) => Math.Max(2, (int)Math.Ceiling(1.5 * scale - 1e-9));

    /// <summary>
    /// The halo score (<see cref="HaloMeasurement.Score"/>): how far L* goes beyond the local range of the reference
    /// around strong edges, averaged over the edge pixels, in % of that range. The reference is
    /// <paramref name="reference"/> (upscaled with Lanczos in linear light when smaller), or without one the image
    /// with thin bright and dark bands flattened, so that a clean edge scores 0 and an overshooting one does not.
    /// </summary>
    public static double HaloScore(WorkImage image, WorkImage? reference = null, CancellationToken cancel = default) =>
        HaloMeasure(image, reference, cancel).Score;

    /// <summary>The whole halo measurement behind <see cref="HaloScore"/>: percentiles, maxima, means and edge slopes.</summary>
    public static HaloMeasurement HaloMeasure(WorkImage image, WorkImage? reference = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var own = Lightness.Of(image);
        if (reference is null) return Halo(own, null, 1, cancel);
        CheckAspect(image, reference);
        return Halo(own, Lightness.Of(AtSizeOf(reference, image)), Scale(image, reference), cancel);
    }

    internal static HaloMeasurement Halo(Lightness own, Lightness? reference, double scale, CancellationToken cancel)
    {
        var before = reference?.Plane ?? MinMaxFilter.OpenClose(own.Plane, own.Width, own.Height, SelfReferenceRadius, cancel);
        return HaloMeter.Measure(before, own.Plane, own.Alpha, own.Width, own.Height, HaloWindow(scale), HaloMeter.DefaultEdgeFloor, cancel);
    }
}
