using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// Resampling to an exact size with pixel centres aligned: output pixel i samples input (i + ½)/s − ½, as AI
/// upscalers and the SR benchmarks assume. Reductions are libvips' own (centred, with the true kernel). Enlargements
/// are not left to libvips 8.18: its resize samples input i/s − ½ (half an output pixel off) and interpolates with
/// bicubic whatever kernel is asked for. Here an enlargement is a polyphase filter instead: for a whole factor s, each
/// of the s output phases is one convolution of the input with the kernel sampled at that phase's offset, and the
/// phases are interleaved; any other factor goes up to the next whole one and then down by a centred reduction. All of
/// it is lazy libvips operations that read their input top to bottom, so a streamed image stays streamed.
/// </summary>
public static class Resampling
{
    /// <summary><paramref name="image"/> resampled to exactly <paramref name="width"/>×<paramref name="height"/> with Lanczos3.</summary>
    public static Image Lanczos3(Image image, int width, int height) => Resize(image, width, height, Enums.Kernel.Lanczos3);

    /// <summary>The same with another kernel: Cubic is Catmull–Rom (the benchmarks' "bicubic"), Linear is a tent.</summary>
    public static Image Resize(Image image, int width, int height, Enums.Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int sx = (width + image.Width - 1) / image.Width, sy = (height + image.Height - 1) / image.Height;
        if (sx > 1) image = Enlarge(image, sx, horizontal: true, kernel);
        if (sy > 1) image = Enlarge(image, sy, horizontal: false, kernel);
        if (image.Width == width && image.Height == height) return image;
        // What is left is a reduction on each axis (or none: an axis at scale 1 is left alone).
        return Exact(image.Resize((double)width / image.Width, kernel: kernel, vscale: (double)height / image.Height), width, height);
    }

    /// <summary>Enlarges one axis by the whole factor <paramref name="s"/>, centre-aligned, edges extended.</summary>
    private static Image Enlarge(Image image, int s, bool horizontal, Enums.Kernel kernel)
    {
        var support = Support(kernel);
        var taps = 2 * support + 1;
        int pad = support;
        var padded = horizontal
            ? image.Embed(pad, 0, image.Width + 2 * pad, image.Height, extend: Enums.Extend.Copy)
            : image.Embed(0, pad, image.Width, image.Height + 2 * pad, extend: Enums.Extend.Copy);
        var coordinate = horizontal ? Image.Xyz(image.Width * s, image.Height)[0] : Image.Xyz(image.Width, image.Height * s)[1];
        var phaseOf = coordinate.RemainderConst([s]);
        Image? result = null;
        for (var p = 0; p < s; p++)
        {
            // Output pixel s·i + p sits at input i + d, d = (p + ½)/s − ½; tap k (−support…support) weighs K(k − d).
            var d = (p + 0.5) / s - 0.5;
            var weights = new double[taps];
            for (var k = -support; k <= support; k++) weights[k + support] = Kernel(kernel, k - d);
            var sum = weights.Sum();
            var mask = horizontal ? new double[1, taps] : new double[taps, 1];
            for (var t = 0; t < taps; t++)
                if (horizontal) mask[0, t] = weights[t] / sum;
                else mask[t, 0] = weights[t] / sum;
            var phase = padded.Conv(Image.NewFromArray(mask), precision: Enums.Precision.Float);
            phase = horizontal ? phase.Crop(pad, 0, image.Width, image.Height) : phase.Crop(0, pad, image.Width, image.Height);
            var zoomed = horizontal ? phase.Zoom(s, 1) : phase.Zoom(1, s);
            result = result is null ? zoomed : phaseOf.Equal((double)p).Ifthenelse(zoomed, result);
        }
        return result!;
    }

    private static int Support(Enums.Kernel kernel) => kernel switch
    {
        Enums.Kernel.Lanczos3 => 3,
        Enums.Kernel.Lanczos2 or Enums.Kernel.Cubic or Enums.Kernel.Mitchell => 2,
        Enums.Kernel.Linear => 1,
        _ => throw new ArgumentException($"no enlargement with the {kernel} kernel", nameof(kernel)),
    };

    private static double Kernel(Enums.Kernel kernel, double x)
    {
        var a = Math.Abs(x);
        return kernel switch
        {
            Enums.Kernel.Lanczos3 => Lanczos(a, 3),
            Enums.Kernel.Lanczos2 => Lanczos(a, 2),
            Enums.Kernel.Linear => Math.Max(0, 1 - a),
            // Mitchell–Netravali B = C = 1/3.
            Enums.Kernel.Mitchell => a < 1 ? (7 * a * a * a - 12 * a * a + 16.0 / 3) / 6
                : a < 2 ? (-7.0 / 3 * a * a * a + 12 * a * a - 20 * a + 32.0 / 3) / 6 : 0,
            // Catmull–Rom (Keys, a = −0.5).
            _ => a < 1 ? 1.5 * a * a * a - 2.5 * a * a + 1 : a < 2 ? -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2 : 0,
        };
    }

    private static double Lanczos(double x, int a)
    {
        if (x < 1e-12) return 1;
        if (x >= a) return 0;
        var px = Math.PI * x;
        return a * Math.Sin(px) * Math.Sin(px / a) / (px * px);
    }

    // libvips rounds output sizes; pin them (edge pixels repeated where one is missing).
    private static Image Exact(Image image, int width, int height) =>
        image.Width == width && image.Height == height ? image : image.Embed(0, 0, width, height, extend: Enums.Extend.Copy);
}
