using System.Buffers;
using System.Runtime.InteropServices;
using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// Computes rows [<paramref name="y"/>, <paramref name="y"/> + <paramref name="rows"/>) of an image into
/// <paramref name="output"/>: interleaved float samples, rows × width × bands, densely packed from index 0 (the
/// array may be longer). It may split the work over threads itself.
/// </summary>
public delegate void BandKernel(int y, int rows, float[] output);

/// <summary>
/// A point operation over <paramref name="pixels"/> pixels: reads <paramref name="input"/> (its own band count) and
/// writes <paramref name="output"/>, which may be the same memory when the band counts agree.
/// </summary>
public delegate void PointKernel(ReadOnlySpan<float> input, Span<float> output, int pixels);

/// <summary>
/// The strip (band) engine: managed kernels run over an image in horizontal bands, on demand, the way libvips computes
/// regions and darktable tiles (its <c>tiling_callback</c> declares the overlap a module needs). A kernel that needs
/// context reads its band plus the halo rows it declares from its source (<see cref="ReadRows"/>); point operations
/// read none. <see cref="Lazy"/> presents the result to libvips as an ordinary, random-access image: encoders, resizes
/// and colour operations pull it region by region, and only a few bands exist at any time, so no stage needs a
/// full-resolution float copy. <see cref="Scan"/> is the cheap first pass for a global statistic.
/// </summary>
public static class Strips
{
    /// <summary>Rows per band: big enough that per-band overhead is small, small enough that a band is a few MB.</summary>
    public const int DefaultBandRows = 64;

    /// <summary>
    /// A lazy float image of <paramref name="width"/>×<paramref name="height"/>×<paramref name="bands"/> whose
    /// pixels <paramref name="kernel"/> computes band by band when libvips asks for them. It may be read any number of
    /// times, in any order (a band asked for again after it left the small cache is computed again); kernels must
    /// therefore be pure functions of their row range, and safe to call from any thread.
    /// </summary>
    public static Image Lazy(int width, int height, int bands, BandKernel kernel, int bandRows = DefaultBandRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (bands is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(bands), bands, "1 to 4 bands");
        bandRows = Math.Max(16, (bandRows + 15) / 16 * 16);
        if (height <= bandRows)
        {
            // One band is the whole image (libtiff mishandles a file of one tile row), so compute it now.
            var all = new float[(long)width * height * bands];
            kernel(0, height, all);
            return Image.NewFromMemoryCopy<float>(all, width, height, bands, Enums.BandFormat.Float)
                .Copy(interpretation: bands < 3 ? Enums.Interpretation.Bw : Enums.Interpretation.Rgb);
        }
        var tiff = new TiledSource(width, height, bands, bandRows, kernel);
        Image image;
        // The native loader holds its own reference to the source. NetVips roots the source's wrapper (and through its
        // read callback, the kernel and every image it reads) until the native source is finalised, so the wrapper's
        // reference must go now, on failure too: kept, the native source never reaches zero and the image leaks.
        // Failing on warnings: libvips' TIFF reader takes a tile it cannot read as a warning, and without this a
        // kernel that threw left its band black and the read went on.
        using (tiff.Source)
            image = Image.NewFromSource(tiff.Source, access: Enums.Access.Random, failOn: Enums.FailOn.Warning);
        using (image)
            return image.Copy(interpretation: bands < 3 ? Enums.Interpretation.Bw : Enums.Interpretation.Rgb);
    }

    /// <summary>
    /// A lazy image whose every band is <paramref name="point"/> applied to the same rows of <paramref name="source"/>
    /// (no halo), split over the cores in chunks of rows.
    /// </summary>
    public static Image Map(Image source, int outBands, PointKernel point, int bandRows = DefaultBandRows)
    {
        int w = source.Width, inBands = source.Bands;
        return Lazy(w, source.Height, outBands, (y, rows, output) => WithRows(source, y, rows, output, outBands, input =>
            ForChunks(rows, (r0, r1) =>
                point(input.AsSpan(r0 * w * inBands, (r1 - r0) * w * inBands), output.AsSpan(r0 * w * outBands, (r1 - r0) * w * outBands), (r1 - r0) * w))), bandRows);
    }

    /// <summary>
    /// Reads rows [<paramref name="y"/>, <paramref name="y"/> + <paramref name="rows"/>) of <paramref name="source"/>
    /// for a band kernel writing <paramref name="output"/> (<paramref name="outBands"/> bands), then runs
    /// <paramref name="body"/> over them: in <paramref name="output"/> itself when the band counts agree (the kernel
    /// works in place), else in pooled scratch.
    /// </summary>
    public static void WithRows(Image source, int y, int rows, float[] output, int outBands, Action<float[]> body)
    {
        if (source.Bands == outBands) Run(output);
        else WithScratch(rows * source.Width * source.Bands, Run);

        void Run(float[] input)
        {
            ReadRows(source, y, rows, input);
            body(input);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a scratch array of at least <paramref name="samples"/> floats from the shared
    /// pool. A band is a large object: one allocated per band made the GC collect the large-object heap every image.
    /// </summary>
    public static void WithScratch(int samples, Action<float[]> body)
    {
        var scratch = ArrayPool<float>.Shared.Rent(samples);
        try
        {
            body(scratch);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Runs <paramref name="body"/> over row ranges [r0, r1) of a band, in parallel chunks of about 8 rows.</summary>
    public static void ForChunks(int rows, Action<int, int> body)
    {
        const int ChunkRows = 8;
        var chunks = (rows + ChunkRows - 1) / ChunkRows;
        if (chunks <= 1)
        {
            body(0, rows);
            return;
        }
        Parallel.For(0, chunks, ImageThreads.Options(), c => body(c * ChunkRows, Math.Min(rows, (c + 1) * ChunkRows)));
    }

    /// <summary>Reads rows [<paramref name="y"/>, <paramref name="y"/> + <paramref name="rows"/>) of <paramref name="image"/> as float samples.</summary>
    public static unsafe void ReadRows(Image image, int y, int rows, Span<float> output)
    {
        var n = (long)rows * image.Width * image.Bands;
        if (output.Length < n) throw new ArgumentException($"needs {n} samples, got {output.Length}", nameof(output));
        using var crop = image.Crop(0, y, image.Width, rows);
        using var samples = crop.Format == Enums.BandFormat.Float ? null : crop.Cast(Enums.BandFormat.Float);
        nint memory;
        ulong size;
        if (global::NetVips.NetVips.Concurrency == 1)
        {
            // One thread per image: compute the rows on this thread. WriteToMemory would hand them to a libvips worker
            // and wait, a hand-off per band that runs nothing in parallel (0–5 % faster per image in A/B runs). Not
            // Region.Fetch: its managed copy of every band was two thirds of all a batch allocated (see service.md).
            using var region = Region.New(samples ?? crop);
            memory = vips_region_fetch(region.DangerousGetHandle(), 0, 0, image.Width, rows, out var length);
            if (memory == 0) throw new VipsException("unable to fetch rows");
            size = length;
        }
        else
        {
            memory = (samples ?? crop).WriteToMemory(out size);
        }
        try
        {
            new ReadOnlySpan<float>((void*)memory, (int)(size / sizeof(float))).CopyTo(output);
        }
        finally
        {
            NetVips.NetVips.Free(memory);
        }
    }

    /// <summary>
    /// Reads rows [<paramref name="y"/> − <paramref name="halo"/>, <paramref name="y"/> + <paramref name="rows"/> +
    /// <paramref name="halo"/>) with the first and last rows of the image repeated beyond its edges.
    /// </summary>
    public static void ReadRowsClamped(Image image, int y, int rows, int halo, Span<float> output)
    {
        var stride = image.Width * image.Bands;
        int top = y - halo, bottom = y + rows + halo;
        int first = Math.Max(0, top), last = Math.Min(image.Height, bottom);
        ReadRows(image, first, last - first, output[((first - top) * stride)..]);
        for (var r = top; r < first; r++) output.Slice((first - top) * stride, stride).CopyTo(output[((r - top) * stride)..]);
        for (var r = last; r < bottom; r++) output.Slice((last - 1 - top) * stride, stride).CopyTo(output[((r - top) * stride)..]);
    }

    /// <summary>
    /// Visits every band of <paramref name="image"/> once, top to bottom, with its float samples: a first pass for a
    /// global statistic that never holds more than one band per worker.
    /// </summary>
    public static void Scan(Image image, Action<int, int, ReadOnlySpan<float>> visit, int bandRows = DefaultBandRows, CancellationToken cancel = default)
    {
        var stride = image.Width * image.Bands;
        var count = (image.Height + bandRows - 1) / bandRows;
        Parallel.For(0, count, ImageThreads.Options(cancel), () => new float[(long)bandRows * stride], (b, _, buffer) =>
        {
            var y = b * bandRows;
            var rows = Math.Min(bandRows, image.Height - y);
            var span = buffer.AsSpan(0, rows * stride);
            ReadRows(image, y, rows, span);
            visit(y, rows, span);
            return buffer;
        }, _ => { });
    }

    [DllImport("libvips.so.42")] private static extern nint vips_region_fetch(nint region, int left, int top, int width, int height, out ulong length);

    /// <summary>
    /// Bands presented as an uncompressed, tiled float BigTIFF behind a seekable custom source, so libvips' TIFF
    /// reader fetches tiles in any order and caches them itself. A tile is <c>tileWidth</c> × band rows; every tile of
    /// a band comes from one call of the kernel, kept in a small most-recently-used cache.
    /// </summary>
    private sealed class TiledSource
    {
        private const int CacheBands = 2;
        private readonly int width, height, bands, bandRows, tileWidth, columns, bandCount;
        private readonly long tileRowBytes, tileBytes, dataAt, total;
        private readonly byte[] header;
        private readonly BandKernel kernel;
        private readonly object gate = new();
        private readonly LinkedList<(int Band, float[] Data)> cache = new();
        private long position;

        public TiledSource(int width, int height, int bands, int bandRows, BandKernel kernel)
        {
            (this.width, this.height, this.bands, this.bandRows, this.kernel) = (width, height, bands, bandRows, kernel);
            tileWidth = Math.Min((width + 15) / 16 * 16, 4096);
            columns = (width + tileWidth - 1) / tileWidth;
            bandCount = (height + bandRows - 1) / bandRows;
            tileRowBytes = (long)tileWidth * bands * sizeof(float);
            tileBytes = tileRowBytes * bandRows;
            header = BigTiffHeader.Tiles(width, height, bands, tileWidth, bandRows, (long)columns * bandCount, tileBytes, out dataAt);
            total = dataAt + tileBytes * columns * bandCount;
            Source = new SourceCustom();
            Source.OnRead += Read;
            Source.OnSeek += Seek;
            // What this image holds while it lives: its band cache and libvips' tile cache behind it (two rows of
            // tiles). Telling the GC lets it collect finished lazy images (and free that native memory) promptly.
            pressure = tileBytes * columns * (CacheBands + 2);
            GC.AddMemoryPressure(pressure);
        }

        private readonly long pressure;

        ~TiledSource() => GC.RemoveMemoryPressure(pressure);

        public SourceCustom Source { get; }

        private long Seek(long offset, SeekOrigin origin)
        {
            lock (gate)
            {
                position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => position + offset, _ => total + offset };
                return position;
            }
        }

        // Called from libvips: an exception must not cross into native code; -1 makes libvips report a read error.
        private int Read(byte[] buffer, int length)
        {
            try
            {
                lock (gate) return Fill(buffer, length);
            }
            catch (Exception)
            {
                return -1;
            }
        }

        private int Fill(byte[] buffer, int length)
        {
            var n = 0;
            while (n < length && position < total)
            {
                if (position < dataAt)
                {
                    var k = (int)Math.Min(length - n, dataAt - position);
                    header.AsSpan((int)position, k).CopyTo(buffer.AsSpan(n));
                    n += k;
                    position += k;
                    continue;
                }
                var offset = position - dataAt;
                var tile = (int)(offset / tileBytes);
                var inTile = offset % tileBytes;
                int band = tile / columns, column = tile % columns;
                var row = (int)(inTile / tileRowBytes);
                var xb = (int)(inTile % tileRowBytes);
                var m = (int)Math.Min(length - n, tileRowBytes - xb);
                var target = buffer.AsSpan(n, m);
                var y = band * bandRows + row;
                var x0 = column * tileWidth;
                var validBytes = y < height ? (long)Math.Max(0, Math.Min(tileWidth, width - x0)) * bands * sizeof(float) : 0;
                var copy = (int)Math.Clamp(validBytes - xb, 0, m);
                if (copy > 0)
                {
                    var data = Band(band);
                    var rowStart = ((long)row * width + x0) * bands * sizeof(float);
                    MemoryMarshal.AsBytes(data.AsSpan()).Slice((int)(rowStart + xb), copy).CopyTo(target);
                }
                target[copy..].Clear();
                n += m;
                position += m;
            }
            return n;
        }

        private float[] Band(int band)
        {
            for (var node = cache.First; node is not null; node = node.Next)
            {
                if (node.Value.Band != band) continue;
                if (node != cache.First)
                {
                    cache.Remove(node);
                    cache.AddFirst(node);
                }
                return node.Value.Data;
            }
            var y = band * bandRows;
            var rows = Math.Min(bandRows, height - y);
            float[] data;
            if (cache.Count >= CacheBands)
            {
                data = cache.Last!.Value.Data;
                cache.RemoveLast();
            }
            else
            {
                data = GC.AllocateUninitializedArray<float>(bandRows * width * bands);
            }
            kernel(y, rows, data);
            cache.AddFirst((band, data));
            return data;
        }
    }
}
