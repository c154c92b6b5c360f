using System.Security.Cryptography;
using System.Text.Json;
using Burnish.Models;

namespace Burnish.Core.Tests.Models;

/// <summary>The opt-in model cache without the network: the message before a fetch, the pin, and the chunk join's checks.</summary>
public class OptInModelsTests
{
    [Fact]
    public void AModelNotFetchedIsOneLineThatSaysHowAndNamesBothLicences()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<BurnishException>(() => new OptInModels(dir.Path).Get(OptInModels.Isnet));
        Assert.Contains("burnish models fetch isnet", e.Message);
        Assert.Contains("AGPL-3.0", e.Message);
        Assert.Contains("MIT", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // Nothing was fetched or written by asking.
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        var listed = Assert.Single(new OptInModels(dir.Path).List());
        Assert.False(listed.Cached);
        Assert.Contains("AGPL-3.0", listed.Licence);
        Assert.Contains("@imgly/background-removal-data@1.4.5", listed.Source);
    }

    [Fact]
    public void ThePackageIsPinnedByVersionAndSha512OutsideTheInstalledDependencies()
    {
        var json = JsonDocument.Parse(ModelCache.PinnedPackagesJson).RootElement;
        var pin = json.GetProperty("optInPackages").GetProperty("@imgly/background-removal-data");
        Assert.Equal("1.4.5", pin.GetProperty("version").GetString());
        Assert.StartsWith("sha512-", pin.GetProperty("integrity").GetString());
        // Never a dependency: npm ci of the bundled models must not pull AGPL data in.
        Assert.False(json.GetProperty("dependencies").TryGetProperty("@imgly/background-removal-data", out _));
    }

    private static (string Dist, byte[][] Chunks) Package(TempDir dir, Func<int, byte[], byte[]>? tamper = null)
    {
        var dist = Directory.CreateDirectory(Path.Combine(dir.Path, "dist")).FullName;
        var chunks = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 1000 + i).Select(b => (byte)(b * 7 + i)).ToArray()).ToArray();
        var list = new List<object>();
        long offset = 0;
        for (var i = 0; i < chunks.Length; i++)
        {
            var name = Convert.ToHexStringLower(SHA256.HashData(chunks[i]));
            File.WriteAllBytes(Path.Combine(dist, name), tamper?.Invoke(i, chunks[i]) ?? chunks[i]);
            list.Add(new { hash = name, offsets = new[] { offset, offset + chunks[i].Length } });
            offset += chunks[i].Length;
        }
        File.WriteAllText(Path.Combine(dist, "resources.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["/models/medium"] = new { chunks = list, size = offset } }));
        return (dist, chunks);
    }

    [Fact]
    public void ChunksAreJoinedInOrderIntoTheTarget()
    {
        using var dir = new TempDir();
        var (dist, chunks) = Package(dir);
        var target = dir.File("model.onnx");
        var (sha, bytes) = OptInModels.Join(dist, "/models/medium", target, CancellationToken.None);
        var whole = chunks.SelectMany(c => c).ToArray();
        Assert.Equal(whole, File.ReadAllBytes(target));
        Assert.Equal(whole.Length, bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(whole)), sha);
    }

    [Fact]
    public void ATamperedChunkLeavesNoModelBehind()
    {
        using var dir = new TempDir();
        var (dist, _) = Package(dir, (i, b) => i == 1 ? [.. b.Take(b.Length - 1), (byte)(b[^1] ^ 1)] : b);
        var target = dir.File("model.onnx");
        var e = Assert.Throws<BurnishException>(() => OptInModels.Join(dist, "/models/medium", target, CancellationToken.None));
        Assert.Contains("does not match its SHA-256", e.Message);
        Assert.False(File.Exists(target));
        // Not even the temp file the join wrote into.
        Assert.Empty(Directory.EnumerateFiles(dir.Path));
    }
}
