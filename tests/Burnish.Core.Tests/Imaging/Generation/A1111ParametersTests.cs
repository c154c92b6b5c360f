using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

public class A1111ParametersTests
{
    [Fact]
    public void Png_parameters_chunk_parses_every_field()
    {
        var p = MetadataFixtures.Parse("automatic1111_cropped.png");

        Assert.Equal(GenerationTools.Automatic1111, p.Tool);
        Assert.Equal("photo of a duck", p.Prompt);
        Assert.Equal("monochrome", p.NegativePrompt);
        Assert.Equal(15, p.Steps);
        Assert.Equal("UniPC", p.Sampler);
        Assert.Equal(5.0, p.CfgScale);
        Assert.Equal(235284042L, p.Seed);
        Assert.Equal(512, p.Width);
        Assert.Equal(400, p.Height);
        Assert.Equal("realistic_realisticVisionV20_v20", p.Model);
        Assert.Null(p.Scheduler);
        Assert.Equal("c0d1994c73", p.Extra["Model hash"]);
        // Fields mapped onto the record are not repeated in Extra.
        Assert.DoesNotContain("Steps", p.Extra.Keys);
        Assert.DoesNotContain("Size", p.Extra.Keys);
    }

    [Fact]
    public void Jpeg_exif_user_comment_gives_the_same_parameters_as_the_png()
    {
        var png = MetadataFixtures.Parse("automatic1111_cropped.png");
        var jpg = MetadataFixtures.Parse("automatic1111_cropped.jpg");

        Assert.Equal(GenerationTools.Automatic1111, jpg.Tool);
        Assert.Equal(png with { Extra = jpg.Extra }, jpg);
        Assert.Equal(png.Extra, jpg.Extra);
    }

    [Fact]
    public void ControlNet_output_without_model_name_keeps_hash_and_extension_fields()
    {
        var p = A1111(MetadataFixtures.ReadText("a1111_dog_rel.parameters.txt"));

        Assert.Equal("highly detailed, masterpiece, dog,", p.Prompt);
        Assert.StartsWith("longbody, lowres, bad anatomy", p.NegativePrompt);
        Assert.Equal(925894899L, p.Seed);
        Assert.Equal("DPM++ SDE", p.Sampler);
        Assert.Null(p.Model);
        Assert.Equal("679c66ec9a", p.Extra["Model hash"]);
        Assert.Equal("2", p.Extra["Clip skip"]);
        Assert.Equal("control_sd15_scribble(fef5e48e)", p.Extra["ControlNet Model"]);
    }

    [Fact]
    public void Multi_line_negative_prompt_and_quoted_values_with_commas()
    {
        var p = A1111(MetadataFixtures.ReadText("a1111_png_parameter_test.parameters.txt"));

        Assert.StartsWith("indoors, garage, spotlight", p.Prompt);
        Assert.DoesNotContain("Negative prompt", p.Prompt);
        // The negative prompt spans two lines; both belong to it.
        Assert.StartsWith("(jacket), badhandv4", p.NegativePrompt);
        Assert.Contains("\nsignature, watermark", p.NegativePrompt);
        Assert.EndsWith("sketch, multiple views,", p.NegativePrompt);
        Assert.Equal(4051847759L, p.Seed);
        Assert.Equal(1024, p.Width);
        Assert.Equal(768, p.Height);
        Assert.Equal("DPM++ 2M Karras", p.Sampler);
        Assert.Equal("NEW Super Gekijoban Shinseiki Dai Ranto HLL4p3 You Can (Not) Proompt VIII Epoch HD Remix &IRYS Turbo[ClipFix]", p.Model);
        Assert.Equal("(512, 64, 64)", p.Extra["ControlNet 0 Preprocessor Parameters"]);
        Assert.Equal("0.75", p.Extra["SAG Guidance Scale"]);
        Assert.Equal("31337", p.Extra["ENSD"]);
    }

    [Fact]
    public void Quoted_value_may_hold_commas_colons_and_escaped_quotes()
    {
        var p = A1111("""
            a cat,
            on a mat
            Negative prompt: dog
            Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 42, Size: 832x1216, Model: sdxl, Lora hashes: "detail: 1a2b3c, style \"v2\": 4d5e6f", Denoising strength: 0.4, Version: v1.10.1
            """);

        Assert.Equal("a cat,\non a mat", p.Prompt);
        Assert.Equal("dog", p.NegativePrompt);
        Assert.Equal("Karras", p.Scheduler);
        Assert.Equal(6.5, p.CfgScale);
        Assert.Equal(832, p.Width);
        Assert.Equal(1216, p.Height);
        Assert.Equal("detail: 1a2b3c, style \"v2\": 4d5e6f", p.Extra["Lora hashes"]);
        Assert.Equal("0.4", p.Extra["Denoising strength"]);
        Assert.Equal("v1.10.1", p.Extra["Version"]);
    }

    [Fact]
    public void Text_without_a_settings_line_is_all_prompt()
    {
        var p = A1111("just a prompt\nSteps: 20");

        Assert.Equal("just a prompt\nSteps: 20", p.Prompt);
        Assert.Null(p.Steps);
        Assert.Null(p.NegativePrompt);
        Assert.Empty(p.Extra);
    }

    [Fact]
    public void Settings_line_alone_gives_no_prompt()
    {
        var p = A1111("Steps: 20, Sampler: Euler, Seed: 7, Size: 64x64");

        Assert.Null(p.Prompt);
        Assert.Equal(20, p.Steps);
        Assert.Equal(7L, p.Seed);
    }

    [Fact]
    public void Crlf_line_endings_are_tolerated()
    {
        var p = A1111("a boat\r\nNegative prompt: blur\r\nSteps: 12, Sampler: Euler, CFG scale: 3, Seed: 1, Size: 64x32");

        Assert.Equal("a boat", p.Prompt);
        Assert.Equal("blur", p.NegativePrompt);
        Assert.Equal(32, p.Height);
        Assert.Equal(3.0, p.CfgScale);
    }

    private static GenerationParams A1111(string parameters) =>
        GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { ["parameters"] = parameters }))!;
}
