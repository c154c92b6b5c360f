using NetVips;

namespace Burnish.Detection;

/// <summary>
/// An sRGB float RGB image resized once by libvips (linear kernel) and held in memory, from which a detector cuts the
/// square windows of one scale. Every tile of that scale is filled from this array: a crop of the lazy resize would
/// compute the resize (and the colour conversion under it) again for each tile, overlaps included.
/// </summary>
internal sealed class ResizedPixels
{
    public ResizedPixels(Image rgb, double scale)
    {
        using var resized = rgb.Resize(scale, kernel: Enums.Kernel.Linear);
        (Width, Height, Scale) = (resized.Width, resized.Height, scale);
        Pixels = resized.WriteToMemory<float>();
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Resized pixels per image pixel.</summary>
    public double Scale { get; }

    /// <summary>Interleaved RGB, row by row.</summary>
    public float[] Pixels { get; }

    /// <summary>
    /// Writes the window (<paramref name="x"/>, <paramref name="y"/>, <paramref name="w"/>×<paramref name="h"/>, in
    /// resized pixels) centred in a <paramref name="size"/>² NHWC tensor as <paramref name="gain"/>·v +
    /// <paramref name="offset"/> with v clamped to 0–1, mirrored left to right if asked; the rest of the tensor is left
    /// as it is (the caller's padding).
    /// </summary>
    public void Letterbox(float[] tensor, int size, int x, int y, int w, int h, float gain, float offset, bool mirrored = false)
    {
        int ox = (size - w) / 2, oy = (size - h) / 2;
        for (var row = 0; row < h; row++)
            for (var col = 0; col < w; col++)
            {
                var tx = mirrored ? size - 1 - (ox + col) : ox + col;
                var s = ((y + row) * Width + x + col) * 3;
                var t = ((oy + row) * size + tx) * 3;
                for (var c = 0; c < 3; c++) tensor[t + c] = gain * Math.Clamp(Pixels[s + c], 0f, 1f) + offset;
            }
    }
}
