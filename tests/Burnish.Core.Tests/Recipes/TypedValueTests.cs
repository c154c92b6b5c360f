using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Export;
using Burnish.Stages.Outpaint;
using Burnish.Stages.Repair;
using Burnish.Stages.Upscale;

namespace Burnish.Core.Tests.Recipes;

/// <summary>
/// Tile size, aspect ratio and length are typed values: one TryParse each, found by the recipe binder by convention,
/// written back by ToString, and normalised (hashed) as the text they replaced.
/// </summary>
public class TypedValueTests
{
    [Theory]
    [InlineData("auto", null)]
    [InlineData("32", 32)]
    [InlineData(" 512 ", 512)]
    [InlineData("4096", 4096)]
    public void A_tile_size_is_auto_or_a_whole_number_in_range(string text, int? edge)
    {
        Assert.True(TileSize.TryParse(text, out var tile, out _));
        Assert.Equal(edge, tile.Edge);
        Assert.Equal(text.Trim(), tile.ToString());
    }

    [Theory]
    [InlineData("31")]
    [InlineData("4097")]
    [InlineData("12.5")]
    [InlineData("big")]
    public void A_bad_tile_size_says_what_is_accepted(string text)
    {
        Assert.False(TileSize.TryParse(text, out _, out var problem));
        Assert.Equal($"tile must be auto or a whole number from 32 to 4096, got '{text}'", problem);
    }

    [Theory]
    [InlineData("12", 12, false)]
    [InlineData("12.5%", 12.5, true)]
    [InlineData(" 10 % ", 10, true)]
    public void A_length_is_pixels_or_a_percentage(string text, double value, bool percent)
    {
        Assert.True(Length.TryParse(text, out var length, out _));
        Assert.Equal(new Length(value, percent), length);
        Assert.True(Length.TryParse(length.ToString(), out var again, out _));
        Assert.Equal(length, again);
    }

    [Fact]
    public void The_binder_finds_each_types_own_parser()
    {
        var recipe = RecipeReader.Parse("""
            version: 1
            repair:
              - boxes: [[10, 20, 30%, 40]]
            outpaint: {aspects: [1.91:1, 4:5]}
            upscale: {tile: 512}
            """, "r.yaml");
        Assert.Equal(TileSize.Of(512), recipe.Upscale!.Tile);
        Assert.Equal(512, recipe.Upscale.TileEdge);
        Assert.Equal([AspectRatio.Parse("1.91:1"), AspectRatio.Parse("4:5")], recipe.Outpaint!.Targets());
        Assert.Equal(new MaskShape(ShapeKind.Box, 10, 20, Length.Percent(30), 40), recipe.Repair![0].Shapes().Single());
    }

    [Fact]
    public void Typed_values_normalise_to_the_text_they_replaced_so_recipe_hashes_do_not_move()
    {
        var recipe = RecipeReader.Parse("version: 1\nrepair: [{boxes: [[10, 5%, 30, 40]]}]\noutpaint: {aspect: 16:9}\nupscale: {}\n", "r.yaml");
        var json = RecipeReader.Normalise(recipe).GetRawText();
        Assert.Contains("\"tile\":\"auto\"", json);
        Assert.Contains("\"aspect\":\"16:9\"", json);
        Assert.Contains("\"boxes\":[[\"10\",\"5%\",\"30\",\"40\"]]", json);
    }

    [Fact]
    public void A_bad_typed_value_is_located_and_explained_by_its_own_parser()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\nupscale:\n  tile: 10\nrepair:\n  - boxes: [[1, 2, x, 4]]\n", "r.yaml"));
        Assert.Contains(e.Problems, p => (p.Line, p.Column) == (3, 9) && p.Message == "upscale.tile: tile must be auto or a whole number from 32 to 4096, got '10'");
        Assert.Contains(e.Problems, p => p.Line == 5 && p.Message.Contains("'x' is not a number (pixels, or a percentage such as 10%)"));
    }

    [Theory]
    [InlineData("format: jpg", CopyFormat.Jpeg)]
    [InlineData("format: jpeg", CopyFormat.Jpeg)]
    [InlineData("format: webp", CopyFormat.Webp)]
    public void A_copy_format_takes_its_common_spellings(string yaml, CopyFormat expected)
    {
        var recipe = RecipeReader.Parse($"version: 1\nexport:\n  copies:\n    - {{destination: web-2048, {yaml}}}\n", "r.yaml");
        Assert.Equal(expected, recipe.Export.Copies[0].Format);
        // The normalised recipe (and so its hash) uses the one spelling the docs use.
        Assert.Contains($"\"format\":\"{(expected == CopyFormat.Jpeg ? "jpeg" : "webp")}\"", RecipeReader.Normalise(recipe).GetRawText());
    }

    [Fact]
    public void Centre_and_center_both_work_for_both_anchors_and_tif_for_tiff()
    {
        foreach (var spelling in new[] { "centre", "center" })
        {
            var recipe = RecipeReader.Parse($"version: 1\noutpaint: {{aspect: 1:1, anchor: {spelling}}}\nexport:\n  master: {{format: tif}}\n  copies:\n    - {{destination: x-post, anchor: {spelling}}}\n", "r.yaml");
            Assert.Equal(OutpaintAnchor.Center, recipe.Outpaint!.Anchor);
            Assert.Equal(CropAnchor.Centre, recipe.Export.Copies[0].Anchor);
            Assert.Equal(MasterFormat.Tiff, recipe.Export.Master.Format);
        }
    }

    [Fact]
    public void A_misspelt_value_is_suggested_in_the_spelling_the_docs_use()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\nexport:\n  copies:\n    - {destination: web-2048, format: jpgg}\n", "r.yaml"));
        Assert.Contains("'jpgg' is not one of jpeg, webp, avif, png; did you mean 'jpeg'?", e.Message);
    }
}
