using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

public class NovelAiAndFooocusTests
{
    [Fact]
    public void NovelAI_description_comment_and_source()
    {
        var p = MetadataFixtures.Parse("novelai1_cropped.png");

        Assert.Equal(GenerationTools.NovelAI, p.Tool);
        Assert.Equal("masterpiece, best quality,  cat, space, icon", p.Prompt);
        Assert.StartsWith("lowres, bad anatomy, bad hands", p.NegativePrompt);
        Assert.Equal(2253955223L, p.Seed);
        Assert.Equal(50, p.Steps);
        Assert.Equal(10.0, p.CfgScale);
        Assert.Equal("k_euler_ancestral", p.Sampler);
        Assert.Equal("Stable Diffusion 1D44365E", p.Model);
        Assert.Equal("0.4", p.Extra["strength"]);
        Assert.Equal("0.0", p.Extra["noise"]);
        Assert.DoesNotContain("uc", p.Extra.Keys);
    }

    [Fact]
    public void NovelAI_stealth_json_payload()
    {
        const string payload = """
            {"Title": "NovelAI generated image", "Description": "a fox", "Software": "NovelAI", "Source": "NovelAI Diffusion V4 ABCD",
             "Comment": "{\"prompt\": \"a fox\", \"steps\": 28, \"width\": 832, \"height\": 1216, \"scale\": 5.0, \"seed\": 12, \"sampler\": \"k_euler_ancestral\", \"noise_schedule\": \"karras\", \"uc\": \"bad\"}"}
            """;

        var p = GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), null, payload))!;

        Assert.Equal(GenerationTools.NovelAI, p.Tool);
        Assert.Equal("a fox", p.Prompt);
        Assert.Equal("bad", p.NegativePrompt);
        Assert.Equal("karras", p.Scheduler);
        Assert.Equal((832, 1216), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("NovelAI Diffusion V4 ABCD", p.Model);
    }

    [Fact]
    public void Fooocus_json_scheme()
    {
        var p = MetadataFixtures.Parse("fooocus1_cropped.png");

        Assert.Equal(GenerationTools.Fooocus, p.Tool);
        Assert.Equal("a smiling goldfish", p.Prompt);
        Assert.Null(p.NegativePrompt); // recorded as ""
        Assert.Equal(6952411511246973023L, p.Seed); // written as a string
        Assert.Equal(30, p.Steps);
        Assert.Equal(4.0, p.CfgScale);
        Assert.Equal("dpmpp_2m_sde_gpu", p.Sampler);
        Assert.Equal("karras", p.Scheduler);
        Assert.Equal("juggernautXL_v8Rundiffusion", p.Model);
        Assert.Equal((768, 1280), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("Fooocus v2.4.3", p.Extra["version"]);
        Assert.Equal("Speed", p.Extra["performance"]);
        Assert.Equal("aeb7e9e689", p.Extra["base_model_hash"]);
        Assert.DoesNotContain("full_prompt", p.Extra.Keys);
    }

    [Fact]
    public void Fooocus_a1111_scheme_is_read_as_a1111_text_but_tagged_Fooocus()
    {
        var chunks = new Dictionary<string, string>
        {
            ["fooocus_scheme"] = "a1111",
            ["parameters"] = "a goldfish\nNegative prompt: blur\nSteps: 30, Sampler: DPM++ 2M SDE Karras, CFG scale: 4, Seed: 5, Size: 768x1280, Model: juggernautXL, Version: Fooocus v2.4.3",
        };

        var p = GenerationMetadata.Parse(GenerationSource.FromTextChunks(chunks))!;

        Assert.Equal(GenerationTools.Fooocus, p.Tool);
        Assert.Equal("a goldfish", p.Prompt);
        Assert.Equal(768, p.Width);
    }

    [Fact]
    public void Fooocus_a1111_text_in_exif_is_recognised_by_its_version()
    {
        var text = "a goldfish\nSteps: 30, Sampler: Euler, Seed: 5, Version: Fooocus v2.5.0";
        var raw = "ASCII\0\0\0"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(text)).ToArray();

        var p = GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), raw, null))!;

        Assert.Equal(GenerationTools.Fooocus, p.Tool);
        Assert.Equal(30, p.Steps);
    }

    [Fact]
    public void Nothing_recognisable_gives_null()
    {
        Assert.Null(GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), null, null)));
        Assert.Null(GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string>
        {
            ["Software"] = "GIMP 2.10",
            ["Comment"] = "made by hand",
            ["prompt"] = "not json",
        })));
    }

    [Fact]
    public void Chunk_keys_match_case_insensitively()
    {
        var p = GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string>
        {
            ["PARAMETERS"] = "x\nSteps: 2, Sampler: Euler, Seed: 3",
        }));

        Assert.Equal(2, p?.Steps);
    }

    [Fact]
    public void Parsed_parameters_round_trip_through_System_Text_Json()
    {
        // Lineage files store GenerationParams; the record must deserialize through its constructor.
        var p = MetadataFixtures.Parse("fooocus1_cropped.png");

        var back = System.Text.Json.JsonSerializer.Deserialize<GenerationParams>(System.Text.Json.JsonSerializer.Serialize(p))!;

        Assert.Equal(p with { Extra = back.Extra }, back);
        Assert.Equal(p.Extra.OrderBy(kv => kv.Key), back.Extra.OrderBy(kv => kv.Key));
    }
}
