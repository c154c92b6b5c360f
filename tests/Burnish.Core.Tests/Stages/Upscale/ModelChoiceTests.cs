using Burnish.Core.Tests.Imaging.Generation;
using Burnish.Imaging.Generation;
using Burnish.Models;
using Burnish.Models.Ncnn;
using Burnish.Recipes;
using Burnish.Stages.Upscale;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

/// <summary><c>model: auto</c>, <c>quality</c>, <c>denoise</c> and the passes a <c>cover: copies</c> target makes.</summary>
public class ModelChoiceTests
{
    private static GenerationParams Generation(string prompt, string? model = null, string tool = GenerationTools.Automatic1111) =>
        new(tool, prompt, null, 1, model, null, null, 20, 7, 512, 512, new Dictionary<string, string>());

    [Fact]
    public void Real_generations_metadata_is_read_as_their_pictures_are()
    {
        // ComfyUI's SD3 anime example ("happy cute anime fox girl…") and a NovelAI file; the SDXL Turbo example
        // (the demo's comfyui-sdxl-turbo.png) is a landscape, and names no style.
        var anime = ModelChoice.For(new UpscaleParams(), MetadataFixtures.ParseComfyPrompt("comfyui_sd3_anime_example.prompt.json"));
        Assert.Equal(ContentKind.Illustration, anime.Content);
        Assert.Equal("auto, quality balanced: illustration: the metadata says 'anime', so realesr-animevideov3", anime.Reason);
        Assert.Equal(ContentKind.Illustration, ModelChoice.Classify(GenerationMetadata.Parse(MetadataFixtures.Source("novelai1_cropped.png"))).Content);
        var turbo = ModelChoice.For(new UpscaleParams(), MetadataFixtures.ParseComfyPrompt("comfyui_sdxlturbo_example.prompt.json"));
        Assert.Equal((ContentKind.Photo, "realesr-general-x4v3"), (turbo.Content, turbo.Model));
    }

    [Fact]
    public void The_demo_generations_metadata_reads_as_photoreal()
    {
        // The samples' own prompts (burnish info): a landscape with a fox in a bottle, and a marble statue. Neither
        // names an illustration style, so auto takes the general model.
        Assert.Equal(ContentKind.Photo, ModelChoice.Classify(Generation("beautiful landscape scenery glass bottle with a galaxy inside cute fennec fox snow HDR sunset", "sd_xl_turbo_1.0_fp16.safetensors")).Content);
        Assert.Equal(ContentKind.Photo, ModelChoice.Classify(Generation("woman (fennec ears fox ears:1.1), marble statue, museum", "v1-5-pruned-emaonly.ckpt")).Content);
        Assert.Equal(ContentKind.Photo, ModelChoice.Classify(null).Content);
    }

    [Theory]
    [InlineData("1girl, solo, (anime:1.2), looking at viewer", null)]
    [InlineData("a knight in a forest, cel shading, flat colors", null)]
    [InlineData("a cat on a roof", "anything-v5-PrtRE.safetensors")]
    [InlineData("masterpiece, best quality, 2girls, school uniform", "animagine-xl-3.1.safetensors")]
    public void Illustration_words_in_the_prompt_or_checkpoint_choose_the_anime_model(string prompt, string? checkpoint)
    {
        var choice = ModelChoice.For(new UpscaleParams(), Generation(prompt, checkpoint));
        Assert.Equal(ContentKind.Illustration, choice.Content);
        Assert.Equal(ModelChoice.AutoModel(ContentKind.Illustration, UpscaleQuality.Balanced), choice.Model);
        Assert.Contains("illustration", choice.Reason);
    }

    [Fact]
    public void Whole_words_only_and_photo_words_outvote_a_single_style_word()
    {
        // "animal" is not "anime"; a photo of an anime poster is still a photo.
        Assert.Equal(ContentKind.Photo, ModelChoice.Classify(Generation("an animal in a field")).Content);
        Assert.Equal(ContentKind.Photo, ModelChoice.Classify(Generation("a pony in a field at dawn")).Content);
        Assert.Equal(ContentKind.Illustration, ModelChoice.Classify(Generation("a pony in a field at dawn", "ponyDiffusionV6XL.safetensors")).Content);
        Assert.Equal(ContentKind.Photo, ModelChoice.Classify(Generation("raw photo of an anime poster on a wall, 35mm, film grain")).Content);
        Assert.Equal(ContentKind.Illustration, ModelChoice.Classify(Generation("a goldfish", "nai-diffusion-3", GenerationTools.NovelAI)).Content);
    }

    [Fact]
    public void Every_auto_pick_is_a_catalogued_model_and_quality_orders_them_by_cost()
    {
        foreach (var content in Enum.GetValues<ContentKind>())
            foreach (var quality in Enum.GetValues<UpscaleQuality>())
            {
                var model = ModelChoice.AutoModel(content, quality);
                Assert.True(BundledModels.Find(model) is not null || NcnnModels.Find(model) is not null, model);
            }
        // The photo picks measured in docs/upscale.md ("Choosing a model"): slim < general-x4v3 < x4plus in time.
        Assert.Equal(["esrgan-slim", "realesr-general-x4v3", "realesrgan-x4plus"],
            Enum.GetValues<UpscaleQuality>().Select(q => ModelChoice.AutoModel(ContentKind.Photo, q)));
    }

    [Fact]
    public void A_named_model_is_taken_as_given()
    {
        var choice = ModelChoice.For(new UpscaleParams { Model = "esrgan-thick-x2", Quality = UpscaleQuality.Fast }, Generation("1girl, anime"));
        Assert.Equal("esrgan-thick-x2", choice.Model);
        Assert.Equal("named in the recipe", choice.Reason);
    }

    [Theory]
    [InlineData("realcugan", "3", "realcugan-denoise3")]
    [InlineData("realcugan", "none", "realcugan-none")]
    [InlineData("realcugan", "conservative", "realcugan")]
    [InlineData("realcugan-x2", "1", "realcugan-denoise1-x2")]
    [InlineData("realcugan-x4", "3", "realcugan-denoise3-x4")]
    public void Denoise_selects_the_real_cugan_variant(string model, string denoise, string expected)
    {
        Assert.True(CuganDenoise.TryParse(denoise, out var level, out _));
        Assert.Equal(expected, ModelChoice.Named(new UpscaleParams { Model = model, Denoise = level }));
    }

    [Fact]
    public void Denoise_where_no_such_variant_exists_is_one_clear_line()
    {
        Assert.True(CuganDenoise.TryParse("1", out var one, out _));
        var missing = Assert.Throws<BurnishException>(() => ModelChoice.Named(new UpscaleParams { Model = "realcugan-x3", Denoise = one }));
        Assert.Equal("realcugan has no ×3 variant at denoise 1: at ×3 it has conservative, none, 3; denoise 1 has ×2", missing.Message);
        var other = Assert.Throws<BurnishException>(() => ModelChoice.Named(new UpscaleParams { Model = "esrgan-slim", Denoise = one }));
        Assert.StartsWith("denoise is Real-CUGAN's", other.Message);
        Assert.False(CuganDenoise.TryParse("4", out _, out var problem));
        Assert.Equal("denoise must be one of conservative, none, 1, 2, 3, got '4'", problem);
        // In a recipe the same pair is refused before any image is touched.
        var recipe = RecipeReader.Parse("version: 1\nupscale: {model: realcugan-x3, denoise: 1}\n", "r.yaml");
        Assert.Contains(RecipeResources.Problems(recipe), p => p.StartsWith("upscale.model: realcugan has no ×3 variant at denoise 1", StringComparison.Ordinal));
    }

    [Theory]
    // 512² → A4 at 300 ppi (2480²): ×4.84. One ×4 pass and a ×1.21 resample.
    [InlineData(4.84, new[] { 4 }, UpscaleQuality.Balanced, new[] { 4 })]
    // 256×192 → A4 turned (3307×2481): ×12.9. ×4 leaves ×3.2, more than 2.5: a second pass, then trimmed.
    [InlineData(12.92, new[] { 4 }, UpscaleQuality.Balanced, new[] { 4, 4 })]
    // A 512 px long edge → A3's 4961 px: ×9.69. ×4 leaves ×2.42: one pass, not an 8192 px second pass to keep 4961.
    [InlineData(9.69, new[] { 4 }, UpscaleQuality.Balanced, new[] { 4 })]
    // With ×2 on offer, the cheapest passes within ×2.5, small pass first: ×2 then ×3 (40 model pixels per input
    // pixel, leaving ×2.15) rather than ×2 then ×4 (68).
    [InlineData(12.92, new[] { 2, 3, 4 }, UpscaleQuality.Balanced, new[] { 2, 3 })]
    [InlineData(12.92, new[] { 2, 3, 4, 8 }, UpscaleQuality.Fast, new[] { 8 })]
    [InlineData(1.5, new[] { 2, 3, 4, 8 }, UpscaleQuality.Fast, new[] { 2 })]
    [InlineData(4.84, new[] { 4 }, UpscaleQuality.Best, new[] { 4, 4 })]
    public void Cover_passes_leave_the_remainder_to_a_resample_by_quality(double factor, int[] available, UpscaleQuality quality, int[] expected)
    {
        Assert.Equal(expected, Burnish.Stages.Upscale.Upscale.CoverPasses(factor, available, quality));
    }
}
