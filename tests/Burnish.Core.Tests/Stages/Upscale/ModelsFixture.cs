using Burnish.Imaging;
using Burnish.Core.Tests.Models;
using Burnish.Stages.Upscale;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

/// <summary>
/// One set of upscale sessions over the tests' shared model cache (<see cref="TestModels"/>), for every test that runs
/// the bundled models.
/// </summary>
public sealed class ModelsFixture : IDisposable
{
    public ModelsFixture()
    {
        Engine = new UpscaleModels(TestModels.Cache, Device.Cpu, null);
    }

    public UpscaleModels Engine { get; }

    /// <summary>Runs the upscale stage and keeps the whole result.</summary>
    public WorkImage Upscale(WorkImage image, UpscaleParams p)
    {
        using var result = Burnish.Stages.Upscale.Upscale.Apply(image, p, Engine);
        return result.Materialise();
    }

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition("models")]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>;
