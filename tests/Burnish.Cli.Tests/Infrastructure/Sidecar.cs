using System.Text.Json;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>One file a sidecar lists: path relative to the sidecar's folder, as the sidecar states it.</summary>
public sealed record SidecarFile(string Role, string Path, int Width, int Height, string ColourSpace, string Format, long Bytes, string Sha256, string? Destination);

/// <summary>
/// A NAME.burnish.json read as a file format (snake_case JSON), independently of the Core types that write it,
/// so that a change to the written shape fails here.
/// </summary>
public sealed record Sidecar(string FilePath, string Status, string InputPath, string InputSha256, long InputBytes,
    IReadOnlyList<SidecarFile> Outputs, IReadOnlyList<SidecarFile> Intermediates)
{
    public string Folder => System.IO.Path.GetDirectoryName(FilePath)!;

    public string FullPath(SidecarFile f) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Folder, f.Path));

    public SidecarFile Master => Outputs.Single(o => o.Role == "master");

    public IEnumerable<SidecarFile> Copies => Outputs.Where(o => o.Role == "copy");

    public static Sidecar Read(string path)
    {
        Assert.True(File.Exists(path), $"sidecar {path} does not exist");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var input = root.GetProperty("input");
        return new Sidecar(path, root.GetProperty("status").GetString()!,
            input.GetProperty("path").GetString()!, input.GetProperty("sha256").GetString()!, input.GetProperty("bytes").GetInt64(),
            Files(root, "outputs"), Files(root, "intermediates"));
    }

    private static List<SidecarFile> Files(JsonElement root, string name) =>
        root.TryGetProperty(name, out var list)
            ? list.EnumerateArray().Select(o => new SidecarFile(
                o.GetProperty("role").GetString()!, o.GetProperty("path").GetString()!,
                o.GetProperty("width").GetInt32(), o.GetProperty("height").GetInt32(),
                o.GetProperty("colour_space").GetString()!, o.GetProperty("format").GetString()!,
                o.GetProperty("bytes").GetInt64(), o.GetProperty("sha256").GetString()!,
                o.TryGetProperty("destination", out var d) ? d.GetString() : null)).ToList()
            : [];

    /// <summary>Status is success and every listed output and intermediate exists with the recorded byte count and SHA-256.</summary>
    public void AssertMatchesDisk()
    {
        Assert.Equal("success", Status);
        Assert.NotEmpty(Outputs);
        foreach (var f in Outputs.Concat(Intermediates))
        {
            var full = FullPath(f);
            Assert.True(File.Exists(full), $"{FilePath} lists {f.Path}, which does not exist");
            Assert.True(new FileInfo(full).Length == f.Bytes, $"{f.Path}: sidecar says {f.Bytes} bytes, file has {new FileInfo(full).Length}");
            Assert.True(Workspace.Sha256(full) == f.Sha256, $"{f.Path}: SHA-256 on disk differs from the sidecar's");
        }
    }
}
