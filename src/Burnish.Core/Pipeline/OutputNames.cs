using Burnish.Imaging;
using Burnish.Stages.Export;

namespace Burnish.Pipeline;

/// <summary>
/// Where one image's outputs go, from a base path without extension: BASE.master.png, BASE.&lt;copy&gt;.jpg,
/// BASE.burnish.json and BASE/stages/NN-stage.png.
/// </summary>
public sealed record OutputNames(string Base)
{
    public string Sidecar => $"{Base}.{ExportParams.SidecarName}.json";

    public string Master(MasterParams master) => Master(master.Format);

    public string Master(MasterFormat format) => $"{Base}.{ExportParams.MasterName}{ImageFiles.Extension(format)}";

    public string Copy(CopyParams copy) => Copy(Export.CopyName(copy), copy.Format);

    /// <summary>BASE.<paramref name="name"/>.EXT: a copy by its file-name part.</summary>
    public string Copy(string name, CopyFormat format) => $"{Base}.{name}{ImageFiles.Extension(format)}";

    public string Intermediate(int position, string stage) => Path.Combine(Base, "stages", $"{position:00}-{stage}.png");

    /// <summary>Every final file the recipe makes (intermediates aside).</summary>
    public IEnumerable<string> Files(ExportParams export) =>
        [Master(export.Master), .. export.Copies.Select(Copy), Sidecar];

    public OutputNames Numbered(int n) => new($"{Base}-{n}");

    /// <summary>The first numbered set (BASE-1, BASE-2, …) none of whose <paramref name="files"/> exists yet.</summary>
    public OutputNames FirstFree(Func<OutputNames, IEnumerable<string>> files) =>
        Enumerable.Range(1, 9999).Select(Numbered).First(n => !files(n).Any(File.Exists));
}
