using Burnish.Stages.Upscale;
using Xunit;
using Burnish.Imaging;

namespace Burnish.Core.Tests.Imaging;

public class BandStreamTests
{
    private static IEnumerable<OutputBand> Bands(int width, int height, int bands, int rowsPerBand)
    {
        var data = new float[rowsPerBand * width * bands];
        for (var y0 = 0; y0 < height; y0 += rowsPerBand)
        {
            var rows = Math.Min(rowsPerBand, height - y0);
            for (var y = 0; y < rows; y++)
                for (var x = 0; x < width; x++)
                    for (var b = 0; b < bands; b++)
                        data[(y * width + x) * bands + b] = Value(x, y0 + y, b);
            yield return new OutputBand(y0, rows, width, bands, data);
        }
    }

    private static float Value(int x, int y, int b) => (x * 7 + y * 13 + b * 101) % 1000 / 999f - 0.25f;

    [Theory]
    [InlineData(3, 37)]
    [InlineData(4, 5)]
    [InlineData(1, 64)]
    public void libvips_reads_every_sample_exactly_including_out_of_range_values(int bands, int rowsPerBand)
    {
        const int W = 123, H = 301;
        using var stream = new BandStream(W, H, bands, Bands(W, H, bands, rowsPerBand));
        float[] read = [];
        stream.Consume(image => read = image.WriteToMemory<float>());
        Assert.Equal(W * H * bands, read.Length);
        for (var y = 0; y < H; y++)
            for (var x = 0; x < W; x++)
                for (var b = 0; b < bands; b++)
                    Assert.Equal(Value(x, y, b), read[(y * W + x) * bands + b]);
    }

    [Fact]
    public void An_error_while_computing_rows_surfaces_as_itself()
    {
        static IEnumerable<OutputBand> Failing()
        {
            yield return new OutputBand(0, 8, 16, 3, new float[8 * 16 * 3]);
            throw new BurnishException("model exploded");
        }
        using var stream = new BandStream(16, 64, 3, Failing());
        var e = Assert.Throws<BurnishException>(() => stream.Consume(image => image.WriteToMemory<float>()));
        Assert.Equal("model exploded", e.Message);
    }

    [Fact]
    public void A_large_image_streams_through_libvips_without_being_held()
    {
        // 8192 × 8192 × 3 float is 805 MB; streamed, only one band of 64 rows (6 MB) exists at a time.
        const int W = 8192, H = 8192;
        double expected = 0;
        for (var y = 0; y < H; y++)
            for (var x = 0; x < W; x++)
                for (var b = 0; b < 3; b++)
                    expected += Value(x, y, b);
        expected /= (double)W * H * 3;
        using var stream = new BandStream(W, H, 3, Bands(W, H, 3, 64));
        var before = GC.GetTotalMemory(true);
        double mean = 0;
        long grown = 0;
        stream.Consume(image =>
        {
            mean = image.Avg();
            grown = GC.GetTotalMemory(false) - before;
        });
        Assert.Equal(expected, mean, 5);
        Assert.True(grown < 100_000_000, $"managed memory grew by {grown / 1e6:F0} MB while streaming");
    }
}
