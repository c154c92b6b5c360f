using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

/// <summary>
/// OPTIONAL sweep over the full-size ComfyUI outputs in ../shared/testdata (not committed: ~1 MB each).
/// It returns early, asserting nothing, when that folder is absent; every other test uses committed fixtures.
/// </summary>
public class ComfyUiSharedSweepTests
{
    [Fact]
    public void Every_shared_comfyui_output_parses_with_its_prompt()
    {
        var shared = MetadataFixtures.SharedTestData();
        if (shared is null)
            return; // OPTIONAL: no ../shared/testdata in this checkout.
        var folder = Path.Combine(shared, "ai-generations", "comfyui");
        var files = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(14, files.Count);

        foreach (var file in files)
        {
            var chunks = MetadataFixtures.ReadPngText(file);
            var p = GenerationMetadata.Parse(GenerationSource.FromTextChunks(chunks));

            Assert.True(p is not null, $"{Path.GetFileName(file)}: not parsed");
            Assert.Equal(GenerationTools.ComfyUI, p.Tool);
            // Every graph here encodes a non-empty positive prompt, a model and a step count.
            Assert.False(string.IsNullOrWhiteSpace(p.Prompt), $"{Path.GetFileName(file)}: no prompt");
            Assert.False(string.IsNullOrWhiteSpace(p.Model), $"{Path.GetFileName(file)}: no model");
            Assert.True(p.Steps > 0, $"{Path.GetFileName(file)}: no steps");
            // Size is known unless the latent is an encoded input image (img2img / inpainting).
            if (!chunks["prompt"].Contains("\"VAEEncode", StringComparison.Ordinal))
                Assert.True(p.Width > 0 && p.Height > 0, $"{Path.GetFileName(file)}: no size");
        }
    }
}
