using Burnish.Imaging;
using Burnish.Stages.Export.Marks;

namespace Burnish.Stages.Export;

/// <summary>The export stage in the chain: the master, then every destination copy, handed to the run's files.</summary>
public sealed class ExportStage : IStage<ExportParams>
{
    public string Key => "export";

    public IPreparedStage Prepare(ExportParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(resources);
        return new PreparedExport(parameters, LoadMarks(parameters.Copies, resources.Limits), resources.ScratchDirectory);
    }

    /// <summary>Every copy's brand marks, read once per run; a file that cannot be read names its copy.</summary>
    public static IReadOnlyList<CopyMarks> LoadMarks(IReadOnlyList<CopyParams> copies, LoadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(copies);
        return [.. copies.Select((copy, i) =>
        {
            try
            {
                return CopyMarks.Load(copy, limits);
            }
            catch (BurnishException e)
            {
                throw new BurnishException($"export.copies[{i}].overlay.image: {e.Message}", e);
            }
        })];
    }

    /// <summary>
    /// Renders, sharpens, marks (<paramref name="marks"/>, one per copy, from <see cref="LoadMarks"/>) and encodes each
    /// copy from <paramref name="master"/> and hands it to <paramref name="files"/>,
    /// one at a time, so only one copy's pixels are held at once. Warnings and measurements (prefixed by copy name) go
    /// into <paramref name="warnings"/> and <paramref name="measurements"/>.
    /// </summary>
    public static void WriteCopies(WorkImage master, IReadOnlyList<CopyParams> copies, IReadOnlyList<CopyMarks> marks, OutputSharpener sharpen,
        SourceMetadata meta, IStageFiles files, List<string> warnings, Dictionary<string, double> measurements, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(marks);
        ArgumentNullException.ThrowIfNull(files);
        if (copies.Count == 0) return;
        var linear = LinearImage.Of(master);
        for (var i = 0; i < copies.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var copy = copies[i];
            var rendered = Export.RenderCopy(master, linear, copy, sharpen, marks[i]);
            var name = Export.CopyName(copy);
            // The rendered copy is what output sharpening made, so it is kept under the sharpen stage's name.
            files.Intermediate("sharpen", "-" + name, rendered.Image);
            var copyMeta = copy.Metadata == MetadataPolicy.Strip
                ? OutputMetadata.Bare(rendered.Destination.Ppi)
                : new OutputMetadata(meta.TextChunks, meta.Fields, [], rendered.Destination.Ppi, StripGps: true);
            var encoded = Export.Encode(rendered.Image, copy, copyMeta);
            files.Copy(name, copy.Format, encoded.Bytes, rendered.Image, copy.Format == CopyFormat.Png ? null : encoded.Quality, rendered.Destination.Id, rendered.Marks);
            warnings.AddRange(rendered.Report.Warnings);
            warnings.AddRange(encoded.Warnings);
            foreach (var (k, v) in rendered.Report.Measurements) measurements[$"{name}.{k}"] = v;
        }
    }

    private sealed class PreparedExport(ExportParams p, IReadOnlyList<CopyMarks> marks, string scratch) : IPreparedStage, IMasterSizes
    {
        public (int Width, int Height) Covering(int width, int height) => Export.MasterCovering(p.Copies, width, height);

        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            var files = context.Files ?? throw new InvalidOperationException("export needs the run's files");
            var master = Export.Master(image, p.Master, scratch);
            files.Master(master, p.Master.Format);
            var warnings = new List<string>();
            var measurements = new Dictionary<string, double>();
            WriteCopies(master, p.Copies, marks, context.Sharpener, context.Metadata, files, warnings, measurements, context.Cancel);
            return StageOutcome.Done(master, new StageReport(warnings, measurements)) with { MadeImage = false };
        }

        public void Dispose() { }
    }
}
