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

    /// <summary>
    /// Reads a libvips image (any format) as float samples, a band of rows at a time straight into the managed array,
    /// so no second full-size copy exists in native memory on the way.
    /// </summary>
    public static PixelBuffer From(Image image)
    {
        var buffer = new PixelBuffer(image.Width, image.Height, image.Bands, GC.AllocateUninitializedArray<float>(checked((int)((long)image.Width * image.Height * image.Bands))));
        const int Rows = 256;
        for (var y = 0; y < image.Height; y += Rows)
        {
            var rows = Math.Min(Rows, image.Height - y);
            Strips.ReadRows(image, y, rows, buffer.Data.AsSpan(y * buffer.Stride, rows * buffer.Stride));
        }
        return buffer;
    }

    /// <summary>
    /// A libvips image over these very samples (pinned, not copied): for a buffer that is finished and will not be
    /// written again. It stays in memory as long as the image does.
    /// </summary>
    public Image AsImage(Enums.Interpretation interpretation) =>
        Image.NewFromMemory(Data, Width, Height, Bands, Enums.BandFormat.Float).Copy(interpretation: interpretation);

    /// <summary>A libvips image over a copy of the samples.</summary>
    public Image ToImage(Enums.Interpretation interpretation) =>
        Image.NewFromMemoryCopy<float>(Data, Width, Height, Bands, Enums.BandFormat.Float).Copy(interpretation: interpretation);

    public PixelBuffer Clone() => new(Width, Height, Bands, (float[])Data.Clone());

    /// <summary>Runs <paramref name="rows"/> over blocks of rows [start, end) in parallel.</summary>
    public void ForEachRowBlock(Action<int, int> rows, CancellationToken cancel = default)
    {
        const int Block = 32;
        var blocks = (Height + Block - 1) / Block;
        Parallel.For(0, blocks, ImageThreads.Options(cancel), b =>
        {
            var start = b * Block;
            rows(start, Math.Min(Height, start + Block));
        });
    }
}
