using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

/// <summary>Issue 11: an animated GIF was finished as its first frame without a word.</summary>
public class AnimatedInputTests
{
    private static string Gif(TempDir dir, int frames)
    {
        var path = dir.File($"anim{frames}.gif");
        // Frames stacked vertically with page-height: libvips' layout for an animation. Each frame a different grey,
        // since the encoder merges identical frames.
        var pixels = new byte[24 * 16 * frames * 3];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(40 + 60 * (i / (24 * 16 * 3)));
        using var strip = Image.NewFromMemory(pixels, 24, 16 * frames, 3, Enums.BandFormat.Uchar)
            .Copy(interpretation: Enums.Interpretation.Srgb)
            .Mutate(m => m.Set(GValue.GIntType, "page-height", 16));
        strip.Gifsave(path);
        return path;
    }

    [Fact]
    public void Animated_gif_loads_its_first_frame_with_a_warning()
    {
        using var dir = new TempDir();
        var path = Gif(dir, 3);

        var loaded = ImageLoader.Load(path, LoadLimits.Default);

        Assert.Equal((24, 16), (loaded.Image.Width, loaded.Image.Height));
        Assert.Equal(3, loaded.Facts.Frames);
        Assert.Equal($"{path} has 3 frames (animated or multi-page); only the first was used", Assert.Single(loaded.Warnings));
    }

    [Fact]
    public void Still_gif_has_no_warning()
    {
        using var dir = new TempDir();

        var loaded = ImageLoader.Load(Gif(dir, 1), LoadLimits.Default);

        Assert.Equal(1, loaded.Facts.Frames);
        Assert.Empty(loaded.Warnings);
    }
}
