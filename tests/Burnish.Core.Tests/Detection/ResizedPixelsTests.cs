using Burnish.Detection;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Detection;

/// <summary>Windows cut from the once-resized pixels hold exactly what a crop of the lazy resize held (the detectors' results depend on it).</summary>
public class ResizedPixelsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AWindowIsTheCropOfTheResizeLetterboxedAndScaled(bool mirrored)
    {
        var image = ImageLoader.Load(Fixtures.PathOf("subject", "sd-dog.png"), LoadLimits.Default).Image;
        using var rgb = FaceDetector.SrgbColour(image);
        const int size = 128, x = 37, y = 21, w = 100, h = 90;
        var resized = new ResizedPixels(rgb, 0.75);
        var tensor = new float[size * size * 3];
        Array.Fill(tensor, 7f); // padding the window must leave alone
        resized.Letterbox(tensor, size, x, y, w, h, 2, -1, mirrored);

        using var lazy = rgb.Resize(0.75, kernel: Enums.Kernel.Linear);
        Assert.Equal((lazy.Width, lazy.Height), (resized.Width, resized.Height));
        var crop = lazy.Crop(x, y, w, h).WriteToMemory<float>();
        int ox = (size - w) / 2, oy = (size - h) / 2;
        for (var ty = 0; ty < size; ty++)
            for (var tx = 0; tx < size; tx++)
            {
                var cx = (mirrored ? size - 1 - tx : tx) - ox;
                var cy = ty - oy;
                for (var c = 0; c < 3; c++)
                {
                    var expected = cx < 0 || cy < 0 || cx >= w || cy >= h ? 7f : 2 * Math.Clamp(crop[(cy * w + cx) * 3 + c], 0f, 1f) - 1;
                    // Bit for bit: the same libvips resize of the same pixels, the same float arithmetic.
                    Assert.Equal(expected, tensor[(ty * size + tx) * 3 + c]);
                }
            }
    }
}
