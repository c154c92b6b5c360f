using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

public class InvokeAiMetadataTests
{
    private const string WomanPrompt =
        "professional full body photo of young woman, hyper long brunette hair, elegant hair, wearing a bikini top and "
        + "asymmetric short skirt, curvy body, long legs, (imperfect skin), detailed skin, intense freckles, super long eye "
        + "lashes, at night, outside, city background, 8k ultra detailed, realistic, high quality, film grain, low contrast";

    [Fact]
    public void Dream_command_line()
    {
        var p = MetadataFixtures.Parse("invokeai_dream1.png");

        Assert.Equal(GenerationTools.InvokeAI, p.Tool);
        Assert.Equal(WomanPrompt, p.Prompt);
        Assert.Equal("rendering, glowing eyes, skinny", p.NegativePrompt); // [bracketed] text
        Assert.Equal(50, p.Steps);
        Assert.Equal(2980747362L, p.Seed);
        Assert.Equal((512, 768), (p.Width!.Value, p.Height!.Value));
        Assert.Equal(5.0, p.CfgScale);
        Assert.Equal("k_lms", p.Sampler);
        Assert.Null(p.Model);
        Assert.Equal("0.9", p.Extra["gfpgan_strength"]);
        Assert.Equal("0.75", p.Extra["codeformer_fidelity"]);
        Assert.Equal("4 0.95", p.Extra["upscale"]); // -U takes two values
    }

    [Fact]
    public void Sd_metadata_is_preferred_over_dream_and_adds_the_model()
    {
        var p = MetadataFixtures.Parse("invokeai_sdmeta1.png");

        Assert.Equal(GenerationTools.InvokeAI, p.Tool);
        Assert.Equal(WomanPrompt, p.Prompt);
        Assert.Equal("rendering, glowing eyes, skinny", p.NegativePrompt);
        Assert.Equal("deliberateForInvoke_v08", p.Model);
        Assert.Equal(2980747362L, p.Seed);
        Assert.Equal(50, p.Steps);
        Assert.Equal(5.0, p.CfgScale);
        Assert.Equal("k_lms", p.Sampler);
        Assert.Equal((512, 768), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("txt2img", p.Extra["type"]);
        Assert.Equal("2.3.0", p.Extra["app_version"]);
        Assert.Equal("56d1442a0feefd64836a19ac8e3527ec71c884fc962e246ddf67b03e42921272", p.Extra["model_hash"]);
    }

    [Fact]
    public void Invokeai_metadata_json()
    {
        var p = MetadataFixtures.Parse("invokeai_imeta1.png");

        Assert.Equal(GenerationTools.InvokeAI, p.Tool);
        Assert.Equal("digital artwork, oil painting. painterly brushstrokes, holidays,", p.Prompt);
        Assert.StartsWith("grainy+, photo, oversaturated", p.NegativePrompt);
        Assert.Equal(3293022630L, p.Seed);
        Assert.Equal(35, p.Steps);
        Assert.Equal(8.0, p.CfgScale);
        Assert.Equal("euler", p.Scheduler);
        Assert.Null(p.Sampler);
        Assert.Equal("juggernautXL", p.Model);
        Assert.Equal((1024, 1024), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("sdxl_txt2img", p.Extra["generation_mode"]);
        Assert.DoesNotContain("positive_style_prompt", p.Extra.Keys); // recorded as ""
        Assert.Equal("VAEFix", p.Extra["vae"]);
        Assert.DoesNotContain("ipAdapters", p.Extra.Keys); // lists are not flattened
    }

    [Fact]
    public void Sd_metadata_with_plain_string_prompt_and_weighted_list()
    {
        var plain = Invoke("sd-metadata", """{"model_weights": "m", "image": {"prompt": "a [b] c", "seed": 1}}""");
        var list = Invoke("sd-metadata", """{"image": {"prompt": [{"prompt": "a", "weight": 0.5}, {"prompt": "b [c]", "weight": 0.5}]}}""");

        Assert.Equal("a c", plain.Prompt);
        Assert.Equal("b", plain.NegativePrompt);
        Assert.Equal("m", plain.Model);
        Assert.Equal("a b", list.Prompt);
        Assert.Equal("c", list.NegativePrompt);
    }

    [Fact]
    public void Dream_without_quotes_and_with_bare_flags()
    {
        var p = Invoke("Dream", "a lighthouse at dusk -s 30 -S 77 --seamless -A k_euler_a");

        Assert.Equal("a lighthouse at dusk", p.Prompt);
        Assert.Null(p.NegativePrompt);
        Assert.Equal(30, p.Steps);
        Assert.Equal(77L, p.Seed);
        Assert.Equal("k_euler_a", p.Sampler);
        Assert.Equal("true", p.Extra["seamless"]);
    }

    [Fact]
    public void Invokeai_metadata_model_may_use_name()
    {
        var p = Invoke("invokeai_metadata", """{"positive_prompt": "x", "model": {"name": "flux-dev", "base": "flux"}, "seed": 5}""");

        Assert.Equal("flux-dev", p.Model);
        Assert.Equal(5L, p.Seed);
    }

    private static GenerationParams Invoke(string key, string value) =>
        GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { [key] = value }))!;
}
