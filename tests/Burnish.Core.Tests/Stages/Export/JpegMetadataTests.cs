using System.Text;
using System.Text.Json.Nodes;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Stages.Export;
using NetVips;

namespace Burnish.Core.Tests.Stages.Export;

/// <summary>
/// Issue 11, defect 10: with a 103 KB ComfyUI workflow, a JPEG copy carried no XMP at all (one APP1 segment holds
/// 64 KB), so the prompt was gone without a word. The workflow is left out, the prompt kept, and a warning says so.
/// </summary>
public class JpegMetadataTests
{
    private static string Fixture(string name) => File.ReadAllText(Fixtures.PathOf("metadata", name));

    // The real sdxl example workflow, its nodes repeated until the chunk is the 103 KB of the issue.
    private static string LargeWorkflow()
    {
        var workflow = JsonNode.Parse(Fixture("comfyui_sdxl_simple_example.workflow.json"))!.AsObject();
        var nodes = workflow["nodes"]!.AsArray();
        var originals = nodes.Select(n => n!.ToJsonString()).ToList();
        for (var i = 0; workflow.ToJsonString().Length < 103_000; i++)
            nodes.Add(JsonNode.Parse(originals[i % originals.Count]));
        return workflow.ToJsonString();
    }

    private static WorkImage Small() =>
        new((Image.Black(32, 24, bands: 3) + 0.5).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);

    private static IReadOnlyDictionary<string, string> XmpText(byte[] jpeg)
    {
        using var image = Image.NewFromBuffer(jpeg);
        Assert.True(image.Contains("xmp-data"), "the JPEG carries no XMP");
        return Xmp.BurnishProperties((byte[])image.Get("xmp-data"));
    }

    [Fact]
    public void Jpeg_copy_with_a_103_KB_workflow_keeps_the_prompt_and_warns()
    {
        var prompt = Fixture("comfyui_sdxl_simple_example.prompt.json");
        var workflow = LargeWorkflow();
        Assert.InRange(Encoding.UTF8.GetByteCount(workflow), 103_000, 110_000);
        var meta = new OutputMetadata([new("prompt", prompt), new("workflow", workflow)], [], [], 72, StripGps: true);

        var encoded = Burnish.Stages.Export.Export.Encode(Small(), new CopyParams { LongEdge = 32, Format = CopyFormat.Jpeg }, meta);

        var xmp = XmpText(encoded.Bytes);
        Assert.Equal(prompt, xmp["prompt"]);
        Assert.False(xmp.ContainsKey("workflow"));
        var warning = Assert.Single(encoded.Warnings);
        Assert.Contains("'workflow' text", warning);
        Assert.Contains("generation parameters are kept", warning);
        // What was kept still reads back as the generation.
        var generation = GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string>(xmp)));
        Assert.Equal(GenerationTools.ComfyUI, generation!.Tool);
    }

    [Fact]
    public void Jpeg_copy_whose_metadata_fits_is_unchanged_and_has_no_warning()
    {
        var prompt = Fixture("comfyui_sdxl_simple_example.prompt.json");
        var workflow = Fixture("comfyui_sdxl_simple_example.workflow.json");
        var meta = new OutputMetadata([new("prompt", prompt), new("workflow", workflow)], [], [], 72, StripGps: true);

        var encoded = Burnish.Stages.Export.Export.Encode(Small(), new CopyParams { LongEdge = 32, Format = CopyFormat.Jpeg }, meta);

        Assert.Empty(encoded.Warnings);
        Assert.Equal(workflow, XmpText(encoded.Bytes)["workflow"]);
    }

    [Fact]
    public void Webp_copy_has_no_such_limit_and_keeps_the_workflow()
    {
        var workflow = LargeWorkflow();
        var meta = new OutputMetadata([new("prompt", Fixture("comfyui_sdxl_simple_example.prompt.json")), new("workflow", workflow)], [], [], 72, StripGps: true);

        var encoded = Burnish.Stages.Export.Export.Encode(Small(), new CopyParams { LongEdge = 32, Format = CopyFormat.Webp }, meta);

        Assert.Empty(encoded.Warnings);
        Assert.Equal(workflow, XmpText(encoded.Bytes)["workflow"]);
    }

    [Fact]
    public void Xmp_packet_at_the_fitting_limit_survives_the_jpeg_encoder()
    {
        // The limit FitMetadata fits to must be one the encoder really keeps.
        var overhead = Xmp.Compose(null, [new("note", "")], stripGps: true)!.Length;
        var note = new string('x', ImageFiles.JpegXmpMaxBytes - overhead);
        Assert.Equal(ImageFiles.JpegXmpMaxBytes, Xmp.Compose(null, [new("note", note)], stripGps: true)!.Length);

        var bytes = ImageFiles.Encode8(Small(), CopyFormat.Jpeg, 90, 4, new OutputMetadata([new("note", note)], [], [], 72, StripGps: true));

        Assert.Equal(note, XmpText(bytes)["note"]);
    }
}
