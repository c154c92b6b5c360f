using Burnish.Backends;
using Burnish.Imaging;

namespace Burnish.Stages.Repair;

/// <summary>
/// How one pass rebuilds what its mask covers. Each method is a folder beside this file (Fill/, Telea/, Onnx/),
/// chosen by the pass's <c>method:</c> in <see cref="RepairMethods.For"/>; a new back-end is one new folder and one
/// line there. A method is made once per run and shared by every image, so it keeps no per-image state.
/// </summary>
public interface IRepairMethod : IDisposable
{
    RepairMethod Method { get; }

    /// <summary>The seed the sidecar records for the pass; null for a method without one.</summary>
    int? Seed { get; }

    /// <summary>A warning about a hole this method handles poorly (<paramref name="holeFraction"/> of the image), or null.</summary>
    string? Caution(double holeFraction) => null;

    /// <summary>Fills <paramref name="image"/> under <paramref name="mask"/>; pixels outside it come back bit for bit.</summary>
    WorkImage Fill(WorkImage image, Mask mask, CancellationToken cancel);

    /// <summary>As <see cref="Fill(WorkImage, Mask, CancellationToken)"/>, given the image's metadata (a prompted method reads its prompt and seed) and progress; also returns what the sidecar records of the pass.</summary>
    RepairFill Fill(WorkImage image, Mask mask, RepairInput input) => new(Fill(image, mask, input.Cancel));
}

/// <summary>What a pass is given besides the image and the mask.</summary>
/// <param name="Metadata">The input's metadata: its generation's prompt, seed, sampler and model.</param>
/// <param name="Progress">The pass's progress, 0–1; null when nobody listens.</param>
/// <param name="Cancel">Stops the pass (and a server's job).</param>
public sealed record RepairInput(SourceMetadata Metadata, IProgress<double>? Progress, CancellationToken Cancel);

/// <summary>A filled image and what the sidecar records of the pass beyond its mask and time (a server's settings), or null.</summary>
public sealed record RepairFill(WorkImage Image, object? Detail = null);

/// <summary>The one place a pass's <c>method:</c> becomes its method.</summary>
public static class RepairMethods
{
    /// <summary>
    /// Makes the method of <paramref name="pass"/>, loading its model if it has one; <paramref name="backends"/> gives
    /// a diffusion pass its server's client. Throws <see cref="BurnishException"/> when it cannot.
    /// </summary>
    public static IRepairMethod For(RepairPass pass, Func<BackendSpec, IDiffusionBackend>? backends = null) => pass.Method switch
    {
        RepairMethod.Telea => new Telea.TeleaMethod(),
        RepairMethod.Onnx => Onnx.OnnxMethod.Load(pass),
        RepairMethod.Diffusion => Diffusion.DiffusionMethod.Create(pass, backends),
        RepairMethod.Restore => Restore.RestoreMethod.Create(pass, backends),
        _ => new Fill.FillMethod(pass.Seed),
    };
}
