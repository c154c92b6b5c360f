using Burnish.Core.Tests.Models;
using Burnish.Imaging;
using Burnish.Schema;
using Burnish.Stages;
using Burnish.Stages.Repair;

namespace Burnish.Core.Tests.Stages.Repair;

/// <summary>The automatic mask kinds the studio lists, and a layer of a kind that finds nothing.</summary>
public class AutoMaskLayersTests
{
    [Fact]
    public void The_kinds_are_every_auto_mask_spelled_as_a_recipe_spells_it_and_parse_back()
    {
        Assert.Equal(Enum.GetValues<AutoMask>().Select(k => Names.EnumValue(k)), AutoMaskLayers.Kinds);
        foreach (var kind in Enum.GetValues<AutoMask>())
            Assert.Equal(kind, AutoMaskLayers.Parse(" " + Names.EnumValue(kind).ToUpperInvariant()));
        Assert.Null(AutoMaskLayers.Parse("elbows"));
    }

    [Fact]
    public void A_text_layer_on_a_generation_without_text_is_empty_at_the_images_size_and_says_so()
    {
        // sd15-statue.jpg carries no text (see fixtures/textmask/SOURCES.md).
        var image = ImageLoader.Load(Fixtures.PathOf("textmask", "sd15-statue.jpg"), LoadLimits.Default).Image;
        using var resources = new StageResources(TestModels.Cache, LoadLimits.Default, Path.GetTempPath());
        var layer = Assert.Single(AutoMaskLayers.Find(image, [AutoMask.Text], resources));
        Assert.Equal("text", layer.Kind);
        Assert.Equal((image.Width, image.Height, 1), (layer.Mask.Width, layer.Mask.Height, layer.Mask.Bands));
        Assert.Equal(0, layer.Mask.Max());
        Assert.Contains("no text found", layer.Warnings);
        Assert.DoesNotContain(layer.Warnings, w => w.StartsWith("repair pass", StringComparison.Ordinal));
    }
}
