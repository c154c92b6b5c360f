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
}

/// <summary>The one place a pass's <c>method:</c> becomes its method.</summary>
public static class RepairMethods
{
    /// <summary>Makes the method of <paramref name="pass"/>, loading its model if it has one; throws <see cref="BurnishException"/> when it cannot.</summary>
    public static IRepairMethod For(RepairPass pass) => pass.Method switch
    {
        RepairMethod.Telea => new Telea.TeleaMethod(),
        RepairMethod.Onnx => Onnx.OnnxMethod.Load(pass),
        _ => new Fill.FillMethod(pass.Seed),
    };
}
