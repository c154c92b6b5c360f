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
        // Away from the borders (Lanczos3 reaches 3 input pixels; edges are repeated there), Lanczos3's normalised taps
        // reproduce a ramp to within 0.02 px at any phase (it is not an exact linear interpolator); libvips' own
        // enlargement is off by half an output pixel (0.25 px at ×2).
        for (var j = (int)(4 * sy) + 1; j < height - 4 * sy - 1; j += 3)
            for (var i = (int)(4 * sx) + 1; i < width - 4 * sx - 1; i += 3)
            {
                var at = (j * width + i) * 2;
                Assert.Equal((i + 0.5) / sx - 0.5, samples[at], 0.02);
                Assert.Equal((j + 0.5) / sy - 0.5, samples[at + 1], 0.02);
            }
    }
}

public class EnlargementKernelTests
{
    private static double Lanczos3(double x) =>
        Math.Abs(x) < 1e-12 ? 1 : Math.Abs(x) >= 3 ? 0 : 3 * Math.Sin(Math.PI * x) * Math.Sin(Math.PI * x / 3) / (Math.PI * Math.PI * x * x);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_whole_factor_enlargement_is_the_true_Lanczos3_sum(int s)
    {
        // A real image row set (a crop of an AI generation), enlarged across x only; the reference is the textbook
        // sum Σ in[clamp(k)]·L3(c − k) / Σ L3(c − k) at c = (i + ½)/s − ½, written out here independently.
        var image = ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image.Colour[1].Crop(0, 100, 64, 4);
        var input = image.WriteToMemory<float>();
        var result = Resampling.Lanczos3(image, 64 * s, 4).WriteToMemory<float>();
        var worst = 0.0;
        for (var y = 0; y < 4; y++)
            for (var i = 0; i < 64 * s; i++)
            {
                var c = (i + 0.5) / s - 0.5;
                double sum = 0, weight = 0;
                for (var k = (int)Math.Floor(c) - 3; k <= (int)Math.Floor(c) + 4; k++)
                {
                    var w = Lanczos3(c - k);
                    sum += w * input[y * 64 + Math.Clamp(k, 0, 63)];
                    weight += w;
                }
                worst = Math.Max(worst, Math.Abs(sum / weight - result[y * 64 * s + i]));
            }
        // Float convolution against a double reference: 1e-5 of full scale.
        Assert.True(worst < 1e-5, $"max difference {worst}");
    }

    [Fact]
    public void Lanczos3_and_Catmull_Rom_enlargements_differ()
    {
        var image = ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image.Colour;
        var lanczos = Resampling.Lanczos3(image, 512, 512);
        var cubic = Resampling.Resize(image, 512, 512, Enums.Kernel.Cubic);
        Assert.True((lanczos - cubic).Abs().Max() > 0.01, "the kernel was ignored");
    }
}
