using System.Security.Cryptography;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>A temp folder of one test, removed afterwards; helpers to place fixtures and inspect outputs.</summary>
public sealed class Workspace : IDisposable
{
    public string Root { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"burnish-e2e-{Guid.NewGuid():N}")).FullName;

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Copies a fixture in under <paramref name="name"/> (default: its own name) and returns the full path.</summary>
    public string Copy(string fixture, string? name = null, string? folder = null)
    {
        var dir = folder is null ? Root : Directory.CreateDirectory(PathOf(folder)).FullName;
        var path = Path.Combine(dir, name ?? Path.GetFileName(fixture));
        File.Copy(fixture, path, overwrite: true);
        return path;
    }

    public string Write(string name, string text)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs the CLI with this folder as working directory.</summary>
    public CliResult Burnish(params string[] args) => CliProcess.Run(Root, args);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a killed child may still hold a file for a moment; the OS temp cleaner gets it */ }
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Every file under <paramref name="dir"/> (recursive), relative, sorted; empty when the folder does not exist.</summary>
    public static IReadOnlyList<string> FilesUnder(string dir) => Directory.Exists(dir)
        ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Path → SHA-256 of every file under <paramref name="dir"/>.</summary>
    public static IReadOnlyDictionary<string, string> Hashes(string dir) =>
        FilesUnder(dir).ToDictionary(f => f, f => Sha256(Path.Combine(dir, f)));

    /// <summary>A refused input leaves nothing behind: no image, no sidecar, no temp file.</summary>
    public static void AssertNoOutputs(string dir)
    {
        var files = FilesUnder(dir);
        Assert.True(files.Count == 0, $"expected no files in {dir}, found: {string.Join(", ", files)}");
    }

    public static void AssertNoTempFiles(string dir)
    {
        var temps = FilesUnder(dir).Where(f => f.Contains(".burnish-tmp", StringComparison.Ordinal)).ToList();
        Assert.True(temps.Count == 0, $"temp files left in {dir}: {string.Join(", ", temps)}");
    }
}
