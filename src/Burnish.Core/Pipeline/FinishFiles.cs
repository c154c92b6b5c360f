using Burnish.Imaging;
using Burnish.IO;
using Burnish.Schema;
using Burnish.Stages;

namespace Burnish.Pipeline;

/// <summary>
/// One image's set of files as the stages hand them over: named from <see cref="OutputNames"/>, staged in the run's
/// transaction, and listed for the sidecar. The master gets the input's metadata and the lineage.
/// </summary>
internal sealed class FinishFiles(OutputNames names, OutputTransaction outputs, string sidecarDir, SourceMetadata meta, string lineageText,
    bool keepIntermediates) : IStageFiles
{
    private readonly Lock gate = new();

    public List<OutputRecord> Files { get; } = [];

    public List<OutputRecord> Intermediates { get; } = [];

    public void Master(WorkImage master, MasterFormat format)
    {
        // Lineage goes in XMP always, and as a PNG text entry too where the master is a PNG (TIFF has no text chunks).
        IReadOnlyList<KeyValuePair<string, string>> chunks = format == MasterFormat.Png ? [.. meta.TextChunks, new("burnish", lineageText)] : meta.TextChunks;
        var masterMeta = new OutputMetadata(chunks, meta.Fields, [new("lineage", lineageText)], 72, StripGps: false);
        var file = outputs.Stage(names.Master(format), temp => ImageFiles.Save16(master, format, masterMeta, temp));
        Add(Files, Record("master", file, master, format == MasterFormat.Png ? "png16" : "tiff16"));
    }

    public void Copy(string name, CopyFormat format, byte[] bytes, WorkImage image, int? quality, string destination, IReadOnlyList<MarkRecord>? marks = null)
    {
        var file = outputs.StageBytes(names.Copy(name, format), bytes);
        Add(Files, Record("copy", file, image, Names.EnumValue(format)) with
        {
            Quality = quality, Destination = destination, Marks = marks is { Count: > 0 } ? marks : null,
        });
    }

    public void Intermediate(string stage, string suffix, WorkImage image)
    {
        if (!keepIntermediates) return;
        var path = names.Intermediate(StageCatalogue.Position(stage), stage + suffix);
        var file = outputs.Stage(path, temp => ImageFiles.Save16(image, MasterFormat.Png, OutputMetadata.Bare(72), temp));
        Add(Intermediates, Record($"stage:{stage}{suffix}", file, image, "png16"));
    }

    private void Add(List<OutputRecord> list, OutputRecord record)
    {
        lock (gate) list.Add(record);
    }

    private OutputRecord Record(string role, StagedFile file, WorkImage image, string format) =>
        new(role, Path.GetRelativePath(sidecarDir, file.FinalPath), image.Width, image.Height, image.Profile.Id, format, file.Bytes, file.Sha256);
}
