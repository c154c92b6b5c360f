using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// Lanczos3 resampling to an exact size with pixel centres aligned: output pixel i samples input (i + ½)/s − ½, as
/// AI upscalers and the SR benchmarks assume. When libvips 8.18's resize enlarges, it samples input i/s − ½ on both
/// axes (half an output pixel off, and a half-pixel interpolation even on an axis whose scale is 1); enlarging by 2s
/// and keeping the odd samples, (2m + 1)/(2s) − ½ = (m + ½)/s − ½, lands exactly on the centres. The price: the
/// enlargement computes four times the output pixels. Reductions are libvips' own: centred by 2 and 4 (and 1.5),
/// but by 3 its reduce samples (m + ½)·3, half an input pixel off; not corrected here.
/// </summary>
public static class Resampling
{
    /// <summary><paramref name="image"/> resampled to exactly <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static Image Lanczos3(Image image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        // Reductions first (an axis at scale 1 is left alone by them), then one centred enlargement of the rest.
        int w = Math.Min(width, image.Width), h = Math.Min(height, image.Height);
        if (w != image.Width || h != image.Height)
            image = Exact(image.Resize((double)w / image.Width, kernel: Enums.Kernel.Lanczos3, vscale: (double)h / image.Height), w, h);
        if (w == width && h == height) return image;
        var doubled = image.Resize(2.0 * width / w, kernel: Enums.Kernel.Lanczos3, vscale: 2.0 * height / h);
        // Samples 1, 3, 5, … on both axes; padded so that the last odd one exists whatever libvips rounded to.
        return Exact(doubled, 2 * width + 1, 2 * height + 1).Crop(1, 1, 2 * width, 2 * height).Subsample(2, 2);
    }

    // libvips rounds output sizes; pin them (edge pixels repeated where one is missing).
    private static Image Exact(Image image, int width, int height) =>
        image.Width == width && image.Height == height ? image : image.Embed(0, 0, width, height, extend: Enums.Extend.Copy);
}
