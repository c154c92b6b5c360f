using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// A band of finished output rows, interleaved float. <see cref="Data"/> is reused for the next band, so a consumer
/// copies what it keeps before asking for more.
/// </summary>
public sealed record OutputBand(int Y, int Rows, int Width, int Bands, float[] Data);

/// <summary>
/// Presents bands of rows, computed on demand, to libvips as an uncompressed float BigTIFF read through a custom
/// source, so any libvips pipeline (resize, colour, a PNG or TIFF encoder) can pull an image far larger than memory
/// top to bottom while only the current band exists. libvips' TIFF reader takes the strips in order; a read behind
/// the current band is an error, not a silent recompute.
/// </summary>
public sealed class BandStream : IDisposable
{
    private const int RowsPerStrip = 16;
    private readonly SourceCustom source = new();
    private readonly IEnumerator<OutputBand> bands;
    private readonly byte[] header;
    private readonly long rowBytes, total;
    private long position;
    private OutputBand? current;

    public BandStream(int width, int height, int bandCount, IEnumerable<OutputBand> rows)
    {
        Width = width;
        Height = height;
        Bands = bandCount;
        rowBytes = (long)width * bandCount * sizeof(float);
        header = BigTiffHeader.Strips(width, height, bandCount, RowsPerStrip, rowBytes, out _);
        total = header.Length + rowBytes * height;
        bands = rows.GetEnumerator();
        source.OnRead += Read;
        source.OnSeek += Seek;
        Image = NetVips.Image.NewFromSource(source, access: Enums.Access.Sequential)
            .Copy(interpretation: bandCount < 3 ? Enums.Interpretation.Bw : Enums.Interpretation.Rgb);
    }

    public int Width { get; }
    public int Height { get; }
    public int Bands { get; }

    /// <summary>The float image; read it once, top to bottom.</summary>
    public Image Image { get; }

    private long Seek(long offset, SeekOrigin origin)
    {
        position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => position + offset, _ => total + offset };
        return position;
    }

    /// <summary>
    /// Runs <paramref name="consume"/> over <see cref="Image"/>. An error while computing rows (a model failure,
    /// cancellation) surfaces as itself, not as libvips' "read error".
    /// </summary>
    public void Consume(Action<Image> consume)
    {
        try
        {
            consume(Image);
        }
        catch (VipsException) when (failure is not null)
        {
        }
        failure?.Throw();
    }

    private ExceptionDispatchInfo? failure;

    // Called from libvips: exceptions must not cross into native code, so they are kept and rethrown by Consume.
    private int Read(byte[] buffer, int length)
    {
        try
        {
            return Fill(buffer, length);
        }
        catch (Exception e)
        {
            failure ??= ExceptionDispatchInfo.Capture(e);
            return -1;
        }
    }

    private int Fill(byte[] buffer, int length)
    {
        var n = 0;
        while (n < length && position < total)
        {
            if (position < header.Length)
            {
                var k = (int)Math.Min(length - n, header.Length - position);
                header.AsSpan((int)position, k).CopyTo(buffer.AsSpan(n));
                n += k;
                position += k;
                continue;
            }
            var offset = position - header.Length;
            var y = (int)(offset / rowBytes);
            var x = (int)(offset % rowBytes);
            var band = BandFor(y);
            var row = MemoryMarshal.AsBytes(band.Data.AsSpan((y - band.Y) * band.Width * band.Bands, band.Width * band.Bands));
            var m = (int)Math.Min(length - n, rowBytes - x);
            row.Slice(x, m).CopyTo(buffer.AsSpan(n));
            n += m;
            position += m;
        }
        return n;
    }

    private OutputBand BandFor(int y)
    {
        if (current is { } c && y >= c.Y && y < c.Y + c.Rows) return c;
        if (current is { } behind && y < behind.Y)
            throw new InvalidOperationException($"row {y} was asked for after row {behind.Y}: the upscaled image can only be read top to bottom");
        while (bands.MoveNext())
        {
            current = bands.Current;
            if (y < current.Y + current.Rows) return current;
        }
        throw new InvalidOperationException($"row {y} is past the end of the upscaled image");
    }

    public void Dispose()
    {
        Image.Dispose();
        bands.Dispose();
        source.Dispose();
    }
}
