using System.Runtime.CompilerServices;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

/// <summary>The strip engine: a lazy image computed band by band must read back exactly what its kernel wrote, in any order, any number of times.</summary>
public class StripsTests
{
    private static Image Ramp(int w, int h, int bands) =>
        Image.NewFromMemoryCopy<float>(Enumerable.Range(0, w * h * bands).Select(i => (float)(i % 9973) / 9973).ToArray(), w, h, bands, Enums.BandFormat.Float);

    [Theory]
    [InlineData(37, 101, 3, 16)]
    [InlineData(4100, 70, 4, 64)]
    [InlineData(5, 5, 1, 64)]
    [InlineData(5, 5, 3, 64)]
    [InlineData(37, 101, 1, 16)]
    [InlineData(40, 40, 2, 16)]
    public void Identity_map_reads_back_bit_for_bit(int w, int h, int bands, int bandRows)
    {
        var source = Ramp(w, h, bands);
        var lazy = Strips.Map(source, bands, (input, output, _) => input.CopyTo(output), bandRows);
        Assert.Equal((w, h, bands, Enums.BandFormat.Float), (lazy.Width, lazy.Height, lazy.Bands, lazy.Format));
        Assert.Equal(Fixtures.Pixels(source), Fixtures.Pixels(lazy));
        // Again, and a region from the bottom first: random access, re-readable.
        Assert.Equal(Fixtures.Pixels(source.Crop(1, h / 2, w - 1, h - h / 2)), Fixtures.Pixels(lazy.Crop(1, h / 2, w - 1, h - h / 2)));
        Assert.Equal(Fixtures.Pixels(source.Crop(0, 0, w, 3)), Fixtures.Pixels(lazy.Crop(0, 0, w, 3)));
        Assert.Equal(Fixtures.Pixels(source), Fixtures.Pixels(lazy));
    }

    [Fact]
    public void One_thread_per_image_reads_the_same_rows_on_the_calling_thread()
    {
        // At one libvips thread per image (finish -j 2 on 2 cores, the service's workers) ReadRows computes on the
        // calling thread instead of through a libvips worker; the rows must be the same, through a lazy image too.
        var source = Ramp(301, 97, 3);
        var lazy = Strips.Map(source, 3, (input, output, _) => { for (var i = 0; i < input.Length; i++) output[i] = input[i] * 0.5f; }, 16);
        using var u8 = (source * 255).Cast(Enums.BandFormat.Uchar);
        float[] Read(Image image) { var rows = new float[40 * 301 * 3]; Strips.ReadRows(image, 33, 40, rows); return rows; }
        var threads = NetVips.NetVips.Concurrency;
        try
        {
            NetVips.NetVips.Concurrency = 2;
            var expected = new[] { source, lazy, u8 }.Select(Read).ToList();
            NetVips.NetVips.Concurrency = 1;
            Assert.Equal(expected, new[] { source, lazy, u8 }.Select(Read).ToList());
        }
        finally
        {
            NetVips.NetVips.Concurrency = threads;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_kernel_that_fails_fails_the_read_with_a_libvips_error(int threads)
    {
        // The kernel runs inside libvips' read of the lazy image: its exception becomes a read error there, and the
        // read must throw, not hand back rows it never wrote (one thread: the direct region fetch; more: the sink).
        var lazy = Strips.Map(Ramp(64, 64, 3), 3, (_, _, _) => throw new InvalidOperationException("kernel failed"), 16);
        var before = NetVips.NetVips.Concurrency;
        try
        {
            NetVips.NetVips.Concurrency = threads;
            Assert.Throws<VipsException>(() => Strips.ReadRows(lazy, 16, 16, new float[16 * 64 * 3]));
        }
        finally
        {
            NetVips.NetVips.Concurrency = before;
        }
    }

    [Fact]
    public void Halo_rows_repeat_the_edges()
    {
        var source = Ramp(3, 4, 1);
        var rows = new float[3 * 8];
        Strips.ReadRowsClamped(source, 0, 4, 2, rows);
        var all = Fixtures.Pixels(source);
        Assert.Equal(all[..3], rows[..3]);
        Assert.Equal(all[..3], rows[3..6]);
        Assert.Equal(all, rows[6..18]);
        Assert.Equal(all[9..12], rows[21..24]);
    }

    [Fact]
    public void A_lazy_image_feeds_libvips_operations_and_encoders()
    {
        var source = Ramp(300, 200, 3);
        var lazy = Strips.Map(source, 3, (input, output, _) => { for (var i = 0; i < input.Length; i++) output[i] = input[i] * 0.5f; });
        var expected = Fixtures.Pixels(source * 0.5);
        Assert.Equal(expected, Fixtures.Pixels(lazy));
        var png = (lazy * 65535).Cast(Enums.BandFormat.Ushort).PngsaveBuffer();
        Assert.Equal(Fixtures.Pixels((source * 0.5 * 65535).Cast(Enums.BandFormat.Ushort)), Fixtures.Pixels(Image.NewFromBuffer(png)));
        Assert.Equal(Fixtures.Pixels(source.Resize(0.5) * 0.5), Fixtures.Pixels(lazy.Resize(0.5)), new Tolerance(1e-6f));
    }

    [Fact]
    public void Scan_visits_every_row_once()
    {
        var source = Ramp(50, 130, 3);
        var seen = new int[130];
        Strips.Scan(source, (y, rows, samples) =>
        {
            Assert.Equal(rows * 150, samples.Length);
            for (var r = 0; r < rows; r++) Interlocked.Increment(ref seen[y + r]);
        }, 16);
        Assert.All(seen, s => Assert.Equal(1, s));
    }

    private sealed class Tolerance(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float f) => 0;
    }

    [Fact]
    public void A_finished_lazy_image_lets_go_of_its_kernel_and_source()
    {
        // Found by a service that grew by ~9 MB an image (1 GB after 100 small generations): the custom source's
        // wrapper was rooted by its own callbacks, so every lazy image, its kernel and the images it read stayed alive.
        // The CLI and the service run with libvips' operation cache off (it would hold the source as an argument).
        Cache.Max = 0;
        var (kernel, source) = ReadAndDropALazyImage();
        for (var i = 0; i < 3 && (kernel.IsAlive || source.IsAlive); i++) DroppedImages.Release();
        Assert.False(kernel.IsAlive, "the kernel of a finished lazy image is still reachable");
        Assert.False(source.IsAlive, "the image a finished lazy image read is still reachable");
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // so that no local of this frame keeps the images reachable
    private static (WeakReference Kernel, WeakReference Source) ReadAndDropALazyImage()
    {
        var source = Ramp(64, 200, 3);
        var factor = 0.5f; // captured, so that the kernel is this call's own object and not a cached static lambda
        PointKernel halve = (input, output, _) => { for (var i = 0; i < input.Length; i++) output[i] = input[i] * factor; };
        using (var lazy = Strips.Map(source, 3, halve, 16))
            Assert.Equal(Fixtures.Pixels(source * 0.5), Fixtures.Pixels(lazy));
        return (new WeakReference(halve), new WeakReference(source));
    }
}
