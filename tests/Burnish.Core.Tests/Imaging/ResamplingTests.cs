using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

public class ResamplingTests
{
    [Theory]
    [InlineData(128, 128)] // ×2
    [InlineData(256, 192)] // ×4 and ×3
    [InlineData(96, 160)] // ×1.5 and ×2.5
    [InlineData(160, 40)] // up one axis, down the other
    [InlineData(32, 32)] // ×0.5
    public void Output_pixel_centres_sample_the_input_at_their_centres(int width, int height)
    {
        // Ramps in x and in y, so each output value says where it sampled: (i + ½)·W/w − ½.
        const int W = 64, H = 64;
        var x = new float[W * H];
        var y = new float[W * H];
        for (var j = 0; j < H; j++)
            for (var i = 0; i < W; i++) (x[j * W + i], y[j * W + i]) = (i, j);
        var ramps = Image.NewFromMemoryCopy<float>(x, W, H, 1, Enums.BandFormat.Float)
            .Bandjoin(Image.NewFromMemoryCopy<float>(y, W, H, 1, Enums.BandFormat.Float));
        var result = Resampling.Lanczos3(ramps, width, height);
        Assert.Equal((width, height), (result.Width, result.Height));
        var samples = result.WriteToMemory<float>();
        double sx = (double)width / W, sy = (double)height / H;
        // Away from the borders (Lanczos3 reaches 3 input pixels; edges are repeated there), Lanczos3 reproduces a
        // ramp to within 0.01 px at any phase; libvips' own enlargement is off by half an output pixel (0.25 px at ×2).
        for (var j = (int)(4 * sy) + 1; j < height - 4 * sy - 1; j += 3)
            for (var i = (int)(4 * sx) + 1; i < width - 4 * sx - 1; i += 3)
            {
                var at = (j * width + i) * 2;
                Assert.Equal((i + 0.5) / sx - 0.5, samples[at], 0.01);
                Assert.Equal((j + 0.5) / sy - 0.5, samples[at + 1], 0.01);
            }
    }
}
