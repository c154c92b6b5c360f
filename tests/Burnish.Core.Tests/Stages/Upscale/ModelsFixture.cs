using Burnish.Imaging;
using Burnish.Models;
using Burnish.Stages.Upscale;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

/// <summary>
/// The bundled models, fetched and converted once into the repository's .build/models (or $BURNISH_MODELS), and one
/// set of sessions shared by every test that runs them.
/// </summary>
public sealed class ModelsFixture : IDisposable
{
    public ModelsFixture()
    {
        Cache = new ModelCache(Environment.GetEnvironmentVariable("BURNISH_MODELS") ?? Path.Combine(RepoRoot(), ".build", "models"));
        Engine = new UpscaleModels(Cache, Device.Cpu, null);
    }

    public ModelCache Cache { get; }
    public UpscaleModels Engine { get; }

    /// <summary>Runs the upscale stage and keeps the whole result.</summary>
    public WorkImage Upscale(WorkImage image, UpscaleParams p)
    {
        using var result = Burnish.Stages.Upscale.Upscale.Apply(image, p, Engine);
        return result.Materialise();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return dir.FullName;
        throw new InvalidOperationException("tests run outside the repository");
    }

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition("models")]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>;
