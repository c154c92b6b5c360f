namespace Burnish.Stages.Repair.Learned;

/// <summary>A rectangle of image pixels: [X, X + Width) × [Y, Y + Height).</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;
    public int Bottom => Y + Height;
}

/// <summary>Where the model runs: the crop of the image it sees, and the size that crop is resized to for the model.</summary>
public readonly record struct InpaintPlan(PixelRect Crop, int ModelWidth, int ModelHeight)
{
    /// <summary>
    /// The plan for a mask whose covered pixels lie in <paramref name="bounds"/>, in an image of
    /// <paramref name="imageWidth"/>×<paramref name="imageHeight"/>. Only-masked (A1111's <c>expand_crop_region</c>): the
    /// bounds grown by <paramref name="padding"/> (at least <paramref name="feather"/>, so the soft edge lies inside
    /// what the model filled), then grown on the short side to the model's aspect, kept inside the image (shifted, and
    /// clipped only when the image is too small, where the resize then stretches a little). Otherwise the whole image.
    /// A fixed-size model gets its size; any other the crop scaled so its longer side is <paramref name="workingSize"/>,
    /// each side rounded to a multiple of 8 (the usual down-sampling stride of these networks).
    /// </summary>
    public static InpaintPlan For(PixelRect bounds, int imageWidth, int imageHeight, bool onlyMasked, int padding, int feather,
        (int Width, int Height)? fixedSize, int workingSize)
    {
        PixelRect crop;
        if (!onlyMasked)
        {
            crop = new PixelRect(0, 0, imageWidth, imageHeight);
        }
        else
        {
            var pad = Math.Max(padding, feather);
            var (x0, y0) = (Math.Max(0, bounds.X - pad), Math.Max(0, bounds.Y - pad));
            var (x1, y1) = (Math.Min(imageWidth, bounds.Right + pad), Math.Min(imageHeight, bounds.Bottom + pad));
            if (fixedSize is { } f)
            {
                var aspect = (double)f.Width / f.Height;
                var (w, h) = (x1 - x0, y1 - y0);
                if (w < h * aspect) (x0, x1) = Grow(x0, x1, (int)Math.Ceiling(h * aspect), imageWidth);
                else (y0, y1) = Grow(y0, y1, (int)Math.Ceiling(w / aspect), imageHeight);
            }
            crop = new PixelRect(x0, y0, x1 - x0, y1 - y0);
        }
        if (fixedSize is { } size) return new InpaintPlan(crop, size.Width, size.Height);
        var scale = (double)workingSize / Math.Max(crop.Width, crop.Height);
        static int Round8(double v) => Math.Max(8, (int)Math.Round(v / 8, MidpointRounding.AwayFromZero) * 8);
        return new InpaintPlan(crop, Round8(crop.Width * scale), Round8(crop.Height * scale));
    }

    // Widens [start, end) to `length` about its centre, shifted to stay in [0, limit), clipped when limit is smaller.
    private static (int Start, int End) Grow(int start, int end, int length, int limit)
    {
        if (length >= limit) return (0, limit);
        var extra = length - (end - start);
        start -= extra / 2;
        end = start + length;
        if (start < 0) (start, end) = (0, length);
        if (end > limit) (start, end) = (limit - length, limit);
        return (start, end);
    }
}
