using System.Runtime.CompilerServices;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

/// <summary>
/// After a finished image, memory is released only once libvips holds the threshold: a blocking collection stops
/// every worker of the process, so small images share one, and one that holds more still gets it at once.
/// </summary>
public class DroppedImagesTests
{
    [Fact]
    public void Finished_images_are_collected_only_once_libvips_holds_the_threshold()
    {
        var wrapper = DropAnImageInLibvipsMemory();
        var held = NetVips.Stats.Mem;
        // 1024² RGB float copied into libvips' memory: 12 MB of tracked buffers, freed only by the wrapper's finaliser.
        Assert.True(held >= 12L << 20, $"libvips holds {held} bytes after a 12 MB image");

        // Under the threshold (what libvips holds plus 1 GB): nothing is collected.
        Assert.False(DroppedImages.ReleaseFinished(held + (1L << 30)));

        // At or over it: the dropped image's wrapper is finalised, which frees its buffer.
        Assert.True(DroppedImages.ReleaseFinished(held));
        Assert.False(wrapper.IsAlive, "the dropped image's wrapper outlived the collection");
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // so that no local of this frame keeps the image reachable
    private static WeakReference DropAnImageInLibvipsMemory()
    {
        var image = (Image.Black(1024, 1024, 3) + 0.5).Cast(Enums.BandFormat.Float).CopyMemory();
        Assert.Equal(0.5, image.Avg(), 6);
        return new WeakReference(image);
    }
}
