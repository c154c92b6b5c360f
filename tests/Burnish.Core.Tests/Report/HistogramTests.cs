using Burnish.Report;
using NetVips;

namespace Burnish.Core.Tests.Report;

public class HistogramTests
{
    private static Image Rgb8(params (byte R, byte G, byte B)[] pixels)
    {
        var bytes = pixels.SelectMany(p => new[] { p.R, p.G, p.B }).ToArray();
        return Image.NewFromMemory(bytes, pixels.Length, 1, 3, Enums.BandFormat.Uchar);
    }

    [Fact]
    public void Counts_every_level_of_every_channel_and_rec709_luma()
    {
        var h = Histogram.Of(Rgb8((255, 0, 0), (255, 0, 0), (0, 255, 0), (10, 10, 10), (255, 255, 255)));

        Assert.False(h.IsGrey);
        Assert.Equal(3, h.Red[255]);
        Assert.Equal(1, h.Red[10]);
        Assert.Equal(1, h.Red[0]);
        Assert.Equal(2, h.Green[255]);
        Assert.Equal(3, h.Blue[0]);
        Assert.Equal(1, h.Blue[255]);
        Assert.All(new[] { h.Red, h.Green, h.Blue, h.Luma }, c => Assert.Equal(5, c.Sum()));
        // Rec. 709 luma, rounded: red 0.2126·255 = 54.2 → 54; green 0.7152·255 = 182.4 → 182; grey stays itself.
        Assert.Equal(2, h.Luma[54]);
        Assert.Equal(1, h.Luma[182]);
        Assert.Equal(1, h.Luma[10]);
        Assert.Equal(1, h.Luma[255]);
    }

    [Fact]
    public void A_grey_image_has_luma_only_and_its_svg_one_path()
    {
        var grey = Image.NewFromMemory(new byte[] { 0, 128, 128, 255 }, 4, 1, 1, Enums.BandFormat.Uchar);
        var h = Histogram.Of(grey);
        Assert.True(h.IsGrey);
        Assert.Equal(2, h.Luma[128]);
        var svg = h.ToSvg("grey");
        Assert.Equal(1, Count(svg, "<path"));
        Assert.Equal(4, Count(Histogram.Of(Rgb8((1, 2, 3))).ToSvg("rgb"), "<path"));
    }

    [Fact]
    public void Heights_scale_to_the_tallest_inner_level_and_a_clipped_end_is_capped()
    {
        // 1000 pixels clipped at 255, 10 at level 100, 5 at level 50: the inner peak (10) sets the scale.
        var pixels = Enumerable.Repeat(((byte)255, (byte)255, (byte)255), 1000)
            .Concat(Enumerable.Repeat(((byte)100, (byte)100, (byte)100), 10))
            .Concat(Enumerable.Repeat(((byte)50, (byte)50, (byte)50), 5)).ToArray();
        var svg = Histogram.Of(Rgb8(pixels)).ToSvg("clipped");
        var luma = svg[svg.IndexOf("class=\"h-luma\"", StringComparison.Ordinal)..];
        Assert.Contains("L100.5,4 ", luma);   // level 100 at full height: y = 100 − 96
        Assert.Contains("L50.5,52 ", luma);   // half as many: half the height
        Assert.Contains("L255.5,4 ", luma);   // 1000 pixels, capped at the top
        Assert.Contains("aria-label=\"clipped\"", svg);
    }

    [Fact]
    public void Transparent_pixels_are_not_counted_and_equal_channels_count_as_grey()
    {
        var rgb = Rgb8((255, 255, 255), (40, 40, 40), (40, 40, 40), (40, 40, 40));
        var alpha = Image.NewFromMemory(new byte[] { 0, 255, 1, 255 }, 4, 1, 1, Enums.BandFormat.Uchar);

        var h = Histogram.Of(rgb, alpha);

        Assert.True(h.IsGrey);
        Assert.Equal(3, h.Luma[40]); // alpha 1 of 255 is faint but seen
        Assert.Equal(0, h.Luma[255]); // the white pixel is fully transparent
        Assert.Equal(3, h.Luma.Sum());
    }

    [Fact]
    public void The_svg_title_is_escaped()
    {
        var svg = Histogram.Of(Rgb8((1, 2, 3))).ToSvg("<script>\"x\"");
        Assert.DoesNotContain("<script>", svg);
        Assert.Contains("&lt;script&gt;&quot;x&quot;", svg);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
