using Burnish.Core.Tests.Models;
using Burnish.Detection.Segmentation;
using Burnish.Imaging;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Detection;

/// <summary>The person mask on a real photo (fixtures/hands/woman.jpeg), against points and a box judged by eye.</summary>
public class PersonSegmenterTests(ITestOutputHelper output)
{
    [Fact]
    public void TheWomanIsMaskedAndTheClothAroundHerIsNot()
    {
        using var segmenter = PersonSegmenter.FromCache(TestModels.Cache);
        var image = ImageLoader.Load(Fixtures.PathOf("hands", "woman.jpeg"), LoadLimits.Default).Image;
        var (mask, region) = segmenter.Segment(image);
        Assert.Equal((image.Width, image.Height, 1), (mask.Width, mask.Height, mask.Bands));
        Assert.NotNull(region);
        output.WriteLine($"{region.Kind} [{string.Join(",", region.Box)}] score {region.Score} {region.Pixels} px");
        double At(int x, int y) => mask.Getpoint(x, y)[0];
        // Her cheek, her forehead and the back of her lower hand: inside; the blue and pink cloth in the corners: outside.
        Assert.True(At(250, 300) > 0.9, $"cheek {At(250, 300):0.00}");
        Assert.True(At(330, 215) > 0.9, $"forehead {At(330, 215):0.00}");
        Assert.True(At(180, 400) > 0.9, $"hand {At(180, 400):0.00}");
        Assert.True(At(480, 40) < 0.1, $"blue cloth {At(480, 40):0.00}");
        Assert.True(At(420, 690) < 0.1, $"pink cloth {At(420, 690):0.00}");
        Assert.Equal("person", region.Kind);
        // The box holds her face (x 180–420, y 150–420) and is not the whole picture.
        Assert.True(region.Box[0] <= 180 && region.Box[1] <= 150 && region.Box[0] + region.Box[2] >= 420 && region.Box[1] + region.Box[3] >= 420);
        Assert.InRange(region.Pixels, (long)(0.2 * image.Width * image.Height), (long)(0.9 * image.Width * image.Height));
    }
}
