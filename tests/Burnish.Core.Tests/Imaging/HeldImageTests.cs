using Burnish.Core.Tests.Metrics;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

/// <summary>
/// A held image reads back exactly what was computed, whether it stayed in memory or went to a scratch file, and a
/// scratch file leaves nothing behind in the folder (its name is removed once libvips has it open).
/// </summary>
public class HeldImageTests
{
    [Fact]
    public void A_held_image_reads_back_bit_for_bit_in_memory_and_on_disk()
    {
        // A lazy float computation over a real generation: what a stream hands the run to hold.
        var face = MetricTargets.Face().Pixels;
        var computed = (face * 1.5 - 0.1).Cast(Enums.BandFormat.Float);
        var expected = Fixtures.Pixels(computed);
        using var scratch = new TempDir();

        var inMemory = HeldImage.Hold(computed, scratch.Path);
        Assert.False(inMemory.OnDisk);
        Assert.Equal(expected, Fixtures.Pixels(inMemory.Image));

        using var onDisk = HeldImage.Hold(computed, scratch.Path, memoryLimitBytes: 1024);
        Assert.True(onDisk.OnDisk);
        Assert.Equal(expected, Fixtures.Pixels(onDisk.Image));
        // Random access: a crop from the middle, read after the whole.
        Assert.Equal(Fixtures.Pixels(computed.Crop(50, 60, 40, 30)), Fixtures.Pixels(onDisk.Image.Crop(50, 60, 40, 30)));
        if (!OperatingSystem.IsWindows()) Assert.Empty(Directory.GetFiles(scratch.Path));
    }
}
