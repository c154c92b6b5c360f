using Burnish.Stages.Export;

namespace Burnish.Core.Tests.Stages.Export;

public class DestinationTests
{
    [Theory]
    [InlineData("web-2048", 1024, 768, 2048, 1536)]
    [InlineData("web-2048", 768, 1024, 1536, 2048)]
    [InlineData("instagram-square", 1024, 768, 1080, 1080)]
    [InlineData("instagram-portrait", 1024, 1024, 1080, 1350)]
    [InlineData("instagram-story", 1344, 768, 1080, 1920)]
    [InlineData("x-post", 1024, 1024, 1600, 900)]
    [InlineData("print-a4-300ppi", 1024, 1536, 2480, 3508)]
    [InlineData("print-a4-300ppi", 1536, 1024, 3508, 2480)]
    [InlineData("print-a3-300ppi", 1024, 1024, 3508, 4961)]
    public void Presets_give_their_documented_size(string id, int w, int h, int expectedW, int expectedH)
    {
        var destination = Destinations.Resolve(new CopyParams { Destination = id });
        Assert.Equal((expectedW, expectedH), destination.OutputSize(w, h));
    }

    [Fact]
    public void Custom_sizes_resolve_with_their_fit()
    {
        Assert.Equal((512, 341), Destinations.Resolve(new CopyParams { LongEdge = 512 }).OutputSize(1536, 1024));
        var contain = Destinations.Resolve(new CopyParams { Width = 800, Height = 800, Fit = Fit.Contain });
        Assert.Equal((800, 533), contain.OutputSize(1536, 1024));
        Assert.Equal("800x800", contain.Id);
        Assert.Equal((800, 800), Destinations.Resolve(new CopyParams { Width = 800, Height = 800 }).OutputSize(1536, 1024));
    }
}
