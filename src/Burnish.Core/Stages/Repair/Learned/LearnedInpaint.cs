using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Repair.Learned;

/// <summary>
/// Repair with a learned inpainting model (<c>method: onnx</c>): the model fills the masked pixels of a crop around the
/// mask, and the fill is pasted back at full resolution with a feathered edge. Pixels outside the mask and its feather
/// are returned bit for bit.
/// </summary>
public static class LearnedInpaint
{
    // libvips gaussblur drops kernel taps below this fraction of the peak, so the blur reaches σ·√(2 ln 5) ≈ 1.79σ.
    private const double FeatherMinAmplitude = 0.2;

    /// <summary>
    /// Fills <paramref name="image"/> where <paramref name="coverage"/> (one band, 0–1, the image's size) is above 0.
    /// The model gets sRGB-encoded RGB, as it was trained on; the fill is converted back to the image's profile. Alpha is
    /// kept. An empty mask returns the image unchanged.
    /// </summary>
    public static WorkImage Fill(WorkImage image, Image coverage, LearnedInpaintParams p, InpaintModel model, CancellationToken cancel = default)
    {
        if (coverage.Bands != 1 || coverage.Width != image.Width || coverage.Height != image.Height)
            throw new BurnishException($"inpaint mask is {coverage.Width}×{coverage.Height} with {coverage.Bands} bands; it must be one band the image's size ({image.Width}×{image.Height})");
        var (w, h) = (image.Width, image.Height);
        var cover = coverage.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        if (Bounds(cover, w, h) is not { } bounds) return image;

        var plan = InpaintPlan.For(bounds, w, h, p.OnlyMasked, p.Padding, p.Feather, model.FixedSize, model.WorkingSize);
        var crop = plan.Crop;
        var (mw, mh) = (plan.ModelWidth, plan.ModelHeight);
        cancel.ThrowIfCancellationRequested();

        // The model's input: the crop in sRGB, and the hole (any coverage) at the model's size.
        using var modelRgb = Resample(ModelSpace(image).Crop(crop.X, crop.Y, crop.Width, crop.Height), mw, mh, Enums.Kernel.Lanczos3);
        using var holeCrop = Hole(coverage.Crop(crop.X, crop.Y, crop.Width, crop.Height));
        using var modelHole = Resample(holeCrop, mw, mh, Enums.Kernel.Linear) > 1e-3;
        var planar = Planar(modelRgb.WriteToMemory<float>(), mw * mh);
        var hole = Array.ConvertAll(modelHole.WriteToMemory<byte>(), b => b > 0 ? 1f : 0f);
        var result = new float[3 * mw * mh];
        model.Run(planar, hole, mw, mh, result, cancel);
        cancel.ThrowIfCancellationRequested();

        // Back at the crop's size and in the image's encoding.
        using var filledModel = Image.NewFromMemoryCopy(Interleaved(result, mw * mh), mw, mh, 3, Enums.BandFormat.Float);
        var fill = FromModelSpace(Resample(filledModel, crop.Width, crop.Height, Enums.Kernel.Lanczos3).Clamp(min: 0.0, max: 1.0), image);

        // Weight: the coverage itself, and outside the hole a falloff over `feather` pixels (2 × a gaussian of the hole:
        // 1 at its edge, exactly 0 beyond the kernel's reach).
        var weight = coverage.Crop(crop.X, crop.Y, crop.Width, crop.Height).Cast(Enums.BandFormat.Float).Clamp(min: 0.0, max: 1.0);
        if (p.Feather > 0)
        {
            var sigma = p.Feather / Math.Sqrt(2 * Math.Log(1 / FeatherMinAmplitude));
            var ramp = (holeCrop.Gaussblur(sigma, minAmpl: FeatherMinAmplitude, precision: Enums.Precision.Float) * 2.0).Clamp(min: 0.0, max: 1.0);
            weight = (ramp > weight).Ifthenelse(ramp, weight);
        }
        var original = image.Colour.Crop(crop.X, crop.Y, crop.Width, crop.Height);
        // Where the weight is 0 the original is taken as it is, not computed, so it stays bit for bit.
        var blended = (weight > 0).Ifthenelse(original * (1.0 - weight) + fill * weight, original);
        var colour = image.Colour.Insert(blended, crop.X, crop.Y).Copy(interpretation: image.Colour.Interpretation);
        return image.WithPixels(ColourSpaces.WithAlpha(colour, image.Alpha));
    }

    /// <summary>The smallest rectangle holding every pixel with coverage above 0, or null.</summary>
    internal static PixelRect? Bounds(ReadOnlySpan<float> coverage, int width, int height)
    {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (var y = 0; y < height; y++)
        {
            var row = coverage.Slice(y * width, width);
            var first = -1;
            var last = -1;
            for (var x = 0; x < width; x++)
            {
                if (!(row[x] > 0)) continue;
                if (first < 0) first = x;
                last = x;
            }
            if (first < 0) continue;
            (x0, x1, y1) = (Math.Min(x0, first), Math.Max(x1, last), y);
            y0 = Math.Min(y0, y);
        }
        return x1 < 0 ? null : new PixelRect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    private static Image Hole(Image coverage) => (coverage > 0).Cast(Enums.BandFormat.Float) / 255.0;

    // Models get sRGB-encoded RGB; grey is widened as it is (its own encoding), since it comes back the same way.
    private static Image ModelSpace(WorkImage image)
    {
        if (image.IsGrey) return image.Colour.Bandjoin(image.Colour, image.Colour).Cast(Enums.BandFormat.Float);
        var colourOnly = image with { Pixels = image.Colour };
        return ColourSpaces.Convert(colourOnly, ShippedProfiles.Srgb).Pixels.Cast(Enums.BandFormat.Float);
    }

    private static Image FromModelSpace(Image rgb, WorkImage image)
    {
        if (image.IsGrey) return rgb.Bandmean();
        if (image.Profile.SameAs(ShippedProfiles.Srgb)) return rgb;
        return ColourSpaces.Convert(new WorkImage(rgb.Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb), image.Profile).Pixels;
    }

    private static Image Resample(Image image, int w, int h, Enums.Kernel kernel)
    {
        if (image.Width == w && image.Height == h) return image.Copy();
        var resized = image.Resize((double)w / image.Width, vscale: (double)h / image.Height, kernel: kernel);
        // libvips rounds the output size; pin it to the exact box.
        return resized.Width == w && resized.Height == h ? resized : resized.Embed(0, 0, w, h, extend: Enums.Extend.Copy);
    }

    private static float[] Planar(float[] interleaved, int n)
    {
        var planar = new float[3 * n];
        for (var i = 0; i < n; i++)
            for (var c = 0; c < 3; c++)
                planar[c * n + i] = interleaved[i * 3 + c];
        return planar;
    }

    private static float[] Interleaved(float[] planar, int n)
    {
        var interleaved = new float[3 * n];
        for (var i = 0; i < n; i++)
            for (var c = 0; c < 3; c++)
                interleaved[i * 3 + c] = planar[c * n + i];
        return interleaved;
    }
}
