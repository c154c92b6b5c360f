using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// Interleaved float pixels in managed memory, for kernels libvips does not have (LUTs, curves, grain, sharpening).
/// Kernels run in place, parallel over blocks of rows, with no allocation per pixel.
/// </summary>
public sealed class PixelBuffer
{
    public PixelBuffer(int width, int height, int bands, float[]? data = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bands);
        Width = width;
        Height = height;
        Bands = bands;
        Data = data ?? new float[(long)width * height * bands];
        if (Data.LongLength != (long)width * height * bands)
            throw new ArgumentException($"expected {width}×{height}×{bands} samples, got {Data.LongLength}", nameof(data));
    }

    public int Width { get; }
    public int Height { get; }
    public int Bands { get; }
    public float[] Data { get; }

    /// <summary>Samples per row.</summary>
    public int Stride => Width * Bands;

    public Span<float> Row(int y) => Data.AsSpan(y * Stride, Stride);

    /// <summary>Reads a libvips image (any format) as float samples.</summary>
    public static PixelBuffer From(Image image) =>
        new(image.Width, image.Height, image.Bands, image.Cast(Enums.BandFormat.Float).WriteToMemory<float>());

    /// <summary>A libvips image over a copy of the samples.</summary>
    public Image ToImage(Enums.Interpretation interpretation) =>
        Image.NewFromMemoryCopy<float>(Data, Width, Height, Bands, Enums.BandFormat.Float).Copy(interpretation: interpretation);

    public PixelBuffer Clone() => new(Width, Height, Bands, (float[])Data.Clone());

    /// <summary>Runs <paramref name="rows"/> over blocks of rows [start, end) in parallel.</summary>
    public void ForEachRowBlock(Action<int, int> rows, CancellationToken cancel = default)
    {
        const int Block = 32;
        var blocks = (Height + Block - 1) / Block;
        Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancel }, b =>
        {
            var start = b * Block;
            rows(start, Math.Min(Height, start + Block));
        });
    }
}
