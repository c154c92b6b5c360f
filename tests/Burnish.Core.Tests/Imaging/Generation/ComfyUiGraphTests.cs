using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

public class ComfyUiGraphTests
{
    [Fact]
    public void Img2img_graph_reads_sampler_prompts_and_checkpoint()
    {
        var p = MetadataFixtures.Parse("img2img_cropped.png");

        Assert.Equal(GenerationTools.ComfyUI, p.Tool);
        Assert.Equal("photograph of victorian woman with wings, sky clouds, meadow grass", p.Prompt);
        Assert.Equal("watermark, text", p.NegativePrompt);
        Assert.Equal(280823642470253L, p.Seed);
        Assert.Equal(20, p.Steps);
        Assert.Equal(8.0, p.CfgScale);
        Assert.Equal("sample_dpmpp_2m", p.Sampler);
        Assert.Equal("normal", p.Scheduler);
        Assert.Equal("v1-5-pruned-emaonly.ckpt", p.Model);
        Assert.Equal("0.8700000000000001", p.Extra["Denoise"]);
        // The latent comes from an encoded input image whose size the graph does not state.
        Assert.Null(p.Width);
        Assert.Null(p.Height);
    }

    [Fact]
    public void Hires_fix_graph_reports_the_final_pass()
    {
        // Two SaveImage nodes; the second pass (KSampler 24) upscales the first, so it is the final image.
        var p = MetadataFixtures.Parse("night_evening_day_morning_cropped.png");

        Assert.StartsWith("(best quality) beautiful (HDR:1.2) (realistic:1.2) landscape", p.Prompt);
        Assert.StartsWith("(hands), text, error, cropped", p.NegativePrompt);
        Assert.Equal(1122440447966177L, p.Seed);
        Assert.Equal(14, p.Steps);
        Assert.Equal(7.0, p.CfgScale);
        Assert.Equal("dpmpp_2m", p.Sampler);
        Assert.Equal("simple", p.Scheduler);
        Assert.Equal("AbyssOrangeMix2_hard.safetensors", p.Model);
        Assert.Equal((1088, 1920), (p.Width!.Value, p.Height!.Value)); // from the LatentUpscale feeding it
        Assert.Equal("0.5", p.Extra["Denoise"]);
    }

    [Fact]
    public void Composited_latents_graph_picks_the_sampler_after_the_composite()
    {
        var p = MetadataFixtures.Parse("noisy_latents_3_subjects_cropped.png");

        Assert.StartsWith("girl (flat chest:0.9), (fennec ears:1.0)", p.Prompt);
        Assert.EndsWith("(sunset)", p.Prompt);
        Assert.Equal(1084614416978598L, p.Seed);
        Assert.Equal(9, p.Steps);
        Assert.Equal(5.5, p.CfgScale);
        Assert.Equal("Anything-V3.0.ckpt", p.Model);
        Assert.Equal((1920, 1088), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void Unclip_two_pass_graph()
    {
        var p = MetadataFixtures.Parse("unclip_2pass_cropped.png");

        Assert.Equal("beautiful scenery landscape outdoors mountains", p.Prompt);
        Assert.StartsWith("(hands), text, error, cropped, (jpeg artifacts:1.3)", p.NegativePrompt);
        Assert.Equal(119080905858220L, p.Seed);
        Assert.Equal(8, p.Steps);
        Assert.Equal(9.0, p.CfgScale);
        Assert.Equal("dpmpp_sde", p.Sampler);
        Assert.Equal("cardosAnimated_v20.safetensors", p.Model);
        Assert.Equal((1920, 1088), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void Flux_custom_sampler_follows_noise_guider_sampler_and_sigmas_nodes()
    {
        var p = MetadataFixtures.ParseComfyPrompt("comfyui_flux_dev_example.prompt.json");

        Assert.StartsWith("cute anime girl with massive fluffy fennec ears", p.Prompt);
        Assert.Null(p.NegativePrompt); // BasicGuider has no negative
        Assert.Equal(219670278747233L, p.Seed);
        Assert.Equal(20, p.Steps);
        Assert.Equal("euler", p.Sampler);
        Assert.Equal("simple", p.Scheduler);
        Assert.Null(p.CfgScale);
        Assert.Equal("3.5", p.Extra["Guidance"]);
        Assert.Equal("flux1-dev.safetensors", p.Model); // through ModelSamplingFlux to the UNETLoader
        Assert.Equal((1024, 1024), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void Zeroed_out_negative_conditioning_is_no_negative_prompt()
    {
        var p = MetadataFixtures.ParseComfyPrompt("comfyui_sd3_anime_example.prompt.json");

        Assert.StartsWith("happy cute anime fox girl", p.Prompt);
        Assert.Null(p.NegativePrompt);
        Assert.Equal(117191185158512L, p.Seed);
        Assert.Equal(3.96, p.CfgScale);
        Assert.Equal("sd3_medium_incl_clips_t5xxlfp8.safetensors", p.Model);
        Assert.Equal((1024, 1280), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void Refiner_pass_defers_to_the_base_sampler_that_added_the_noise()
    {
        var p = MetadataFixtures.ParseComfyPrompt("comfyui_sdxl_simple_example.prompt.json");

        Assert.Equal("evening sunset scenery blue sky nature, glass bottle with a galaxy in it", p.Prompt);
        Assert.Equal("text, watermark", p.NegativePrompt);
        Assert.Equal(721897303308196L, p.Seed); // the refiner's own noise_seed is 0 and unused
        Assert.Equal(25, p.Steps);
        Assert.Equal(8.0, p.CfgScale);
        Assert.Equal("euler", p.Sampler);
        Assert.Equal("sd_xl_base_1.0.safetensors", p.Model);
        Assert.Equal("sd_xl_refiner_1.0.safetensors", p.Extra["Refiner model"]);
        Assert.Equal((1024, 1024), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void SamplerCustom_with_turbo_scheduler()
    {
        var p = MetadataFixtures.ParseComfyPrompt("comfyui_sdxlturbo_example.prompt.json");

        Assert.Equal("beautiful landscape scenery glass bottle with a galaxy inside cute fennec fox snow HDR sunset", p.Prompt);
        Assert.Equal("text, watermark", p.NegativePrompt);
        Assert.Equal(0L, p.Seed);
        Assert.Equal(1, p.Steps);
        Assert.Equal(1.0, p.CfgScale);
        Assert.Equal("euler_ancestral", p.Sampler);
        Assert.Null(p.Scheduler);
        Assert.Equal("sd_xl_turbo_1.0_fp16.safetensors", p.Model);
        Assert.Equal((512, 512), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void Links_through_controlnet_lora_and_primitives_are_followed()
    {
        // Hand-written graph in ComfyUI's API format covering what the fixtures do not: a text primitive,
        // ControlNetApplyAdvanced (positive on slot 0, negative on slot 1), LoRA chain, seed from a primitive,
        // NaN written by Python's json.dumps, and a LatentUpscaleBy.
        const string graph = """
            {
              "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "base.safetensors"}},
              "2": {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors", "strength_model": NaN, "model": ["1", 0], "clip": ["1", 1]}},
              "3": {"class_type": "PrimitiveString", "inputs": {"value": "a red fox"}},
              "4": {"class_type": "CLIPTextEncode", "inputs": {"text": ["3", 0], "clip": ["2", 1]}},
              "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "  blurry \n", "clip": ["2", 1]}},
              "6": {"class_type": "ControlNetApplyAdvanced", "inputs": {"positive": ["4", 0], "negative": ["5", 0], "strength": 1.0}},
              "7": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 768, "batch_size": 1}},
              "8": {"class_type": "LatentUpscaleBy", "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5, "samples": ["7", 0]}},
              "9": {"class_type": "Seed (rgthree)", "inputs": {"seed": 31337}},
              "10": {"class_type": "KSampler", "inputs": {"seed": ["9", 0], "steps": 30, "cfg": 5, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 1,
                     "model": ["2", 0], "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["8", 0]}},
              "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["1", 2]}},
              "12": {"class_type": "SaveImage", "inputs": {"images": ["11", 0], "filename_prefix": "x"}}
            }
            """;

        var p = Comfy(graph);

        Assert.Equal("a red fox", p.Prompt);
        Assert.Equal("blurry", p.NegativePrompt);
        Assert.Equal(31337L, p.Seed);
        Assert.Equal("base.safetensors", p.Model);
        Assert.Equal("detail.safetensors", p.Extra["LoRAs"]);
        Assert.Equal("karras", p.Scheduler);
        Assert.Equal((768, 1152), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void Seed_beyond_long_is_kept_as_text()
    {
        const string graph = """
            {"1": {"class_type": "KSampler", "inputs": {"seed": 18446744073709551615, "positive": ["2", 0], "latent_image": ["3", 0]}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "x"}},
             "3": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64}}}
            """;

        var p = Comfy(graph);

        Assert.Null(p.Seed);
        Assert.Equal("18446744073709551615", p.Extra["Seed"]);
        Assert.Equal("x", p.Prompt);
    }

    [Fact]
    public void Graph_without_sampler_still_identifies_ComfyUI()
    {
        var p = Comfy("""{"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0]}}}""");

        Assert.Equal(GenerationTools.ComfyUI, p.Tool);
        Assert.Null(p.Prompt);
        Assert.Null(p.Seed);
    }

    [Fact]
    public void Dangling_links_leave_fields_null()
    {
        var p = Comfy("""{"1": {"class_type": "KSampler", "inputs": {"steps": 10, "positive": ["99", 0], "negative": ["98", 0], "model": ["97", 0], "latent_image": ["96", 0]}}}""");

        Assert.Equal(10, p.Steps);
        Assert.Null(p.Prompt);
        Assert.Null(p.Model);
        Assert.Null(p.Width);
    }

    [Fact]
    public void Workflow_without_api_prompt_identifies_ComfyUI()
    {
        var source = GenerationSource.FromTextChunks(new Dictionary<string, string> { ["workflow"] = """{"last_node_id": 1, "nodes": []}""" });

        Assert.Equal(GenerationTools.ComfyUI, GenerationMetadata.Parse(source)?.Tool);
    }

    [Fact]
    public void Graph_wins_over_an_a1111_style_parameters_chunk()
    {
        var source = GenerationSource.FromTextChunks(new Dictionary<string, string>
        {
            ["parameters"] = "other\nSteps: 1, Sampler: Euler, Seed: 1, Size: 8x8",
            ["prompt"] = MetadataFixtures.ReadText("comfyui_sdxlturbo_example.prompt.json"),
        });

        Assert.Equal(GenerationTools.ComfyUI, GenerationMetadata.Parse(source)?.Tool);
    }

    private static GenerationParams Comfy(string graph) =>
        GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { ["prompt"] = graph }))!;
}
