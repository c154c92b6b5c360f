using Burnish.Core.Tests.Models;
using Burnish.Imaging;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using NetVips;

namespace Burnish.Core.Tests.Stages.Cleanup;

/// <summary>The cleanup stage run as the pipeline runs it, on a photo doubled with Lanczos standing in for the AI result.</summary>
internal static class CleanupRun
{
    /// <summary>The photo at <paramref name="path"/> doubled with Lanczos, and the photo itself as its source.</summary>
    public static (WorkImage Upscaled, WorkImage Source) Doubled(string path)
    {
        var source = ImageLoader.Load(path, LoadLimits.Default).Image;
        return (source.WithPixels(source.Pixels.Resize(2, kernel: Enums.Kernel.Lanczos3)), source);
    }

    // The stage makes its own detectors from the test model cache, as a run does. Its image is computed in bands as it
    // is read, and its report settled afterwards from the stream, as the pipeline (StageRun) settles it.
    public static StageOutcome Apply(CleanupParams p, WorkImage upscaled, WorkImage source)
    {
        using var resources = new StageResources(TestModels.Cache, LoadLimits.Default, Path.GetTempPath());
        using var prepared = new CleanupStage().Prepare(p, resources);
        var outcome = prepared.Apply(upscaled, new StageContext(source, SourceMetadata.Empty) { Reference = source });
        return outcome.Stream is { } stream ? outcome with { Report = stream.Report } : outcome;
    }
}
