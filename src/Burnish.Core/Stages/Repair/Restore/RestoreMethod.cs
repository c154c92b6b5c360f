using System.Diagnostics;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Schema;
using NetVips;

namespace Burnish.Stages.Repair.Restore;

/// <summary>
/// <c>method: restore</c>: the user's own AUTOMATIC1111 server restores the faces under the mask with GFPGAN or
/// CodeFormer (<c>POST /sdapi/v1/extra-single-image</c>). The mask's bounds plus a margin go up at their own size (the
/// restorer finds and aligns the face itself, so it needs the whole face and some context); the answer is pasted in
/// linear light with the pass's mask as the weight, so pixels the mask does not reach keep their 16-bit values exactly.
/// </summary>
public sealed class RestoreMethod(RepairPass pass, IDiffusionBackend backend, FaceRestorer model) : IRepairMethod
{
    /// <summary>The restorer's share of the result when the pass gives none: most of it, with some of the original's texture.</summary>
    public const double DefaultStrength = 0.8;

    /// <summary>CodeFormer's fidelity weight when the pass gives none: the middle its authors recommend.</summary>
    public const double DefaultFidelity = 0.5;

    /// <summary>The margin sent around the mask's bounds, as a share of their longer side (at least <see cref="MinMargin"/> px): a detector needs the whole head.</summary>
    public const double MarginShare = 0.5;

    public const int MinMargin = 32;

    /// <summary>Makes the method of <paramref name="pass"/>; refuses a server whose protocol has no face restorer before any image is read.</summary>
    public static RestoreMethod Create(RepairPass pass, Func<BackendSpec, IDiffusionBackend>? backends)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var spec = pass.Endpoint ?? throw new BurnishException(pass.Backend is null
            ? "method restore needs backend: the name of an a1111 back-end in the recipe's backends (or --backend a1111=URL)"
            : $"backend '{pass.Backend}' is not among the recipe's backends");
        if (spec.Kind != BackendKind.A1111)
            throw new BurnishException($"method restore needs kind a1111; back-end {spec} is {Names.EnumValue(spec.Kind)}, whose core nodes have no face restorer");
        if (!Enum.TryParse<FaceRestorer>(pass.Model, ignoreCase: true, out var model))
            throw new BurnishException("method restore needs model: gfpgan or codeformer");
        var make = backends ?? throw new BurnishException("method restore needs the run's back-end clients; none were given");
        return new RestoreMethod(pass, make(spec), model);
    }

    public RepairMethod Method => RepairMethod.Restore;

    public int? Seed => null;

    public WorkImage Fill(WorkImage image, Mask mask, CancellationToken cancel) => Fill(image, mask, new RepairInput(SourceMetadata.Empty, null, cancel)).Image;

    public RepairFill Fill(WorkImage image, Mask mask, RepairInput input)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(input);
        if (image.IsGrey) throw new BurnishException("method restore needs a colour image; this one is grey");
        if (mask.Bounds() is not { } b) return new RepairFill(image);
        var clock = Stopwatch.StartNew();
        var margin = Math.Max(MinMargin, (int)Math.Ceiling(MarginShare * Math.Max(b.Width, b.Height)));
        int x0 = Math.Max(0, b.X - margin), y0 = Math.Max(0, b.Y - margin);
        int x1 = Math.Min(image.Width, b.X + b.Width + margin), y1 = Math.Min(image.Height, b.Y + b.Height + margin);
        var (w, h) = (x1 - x0, y1 - y0);
        var rgb = ColourSpaces.Convert(new WorkImage(image.Colour, image.Profile), ShippedProfiles.Srgb).Pixels.Crop(x0, y0, w, h);
        var sent = ColourSpaces.Quantise8(rgb).Copy(interpretation: Enums.Interpretation.Srgb).PngsaveBuffer();
        var strength = pass.Strength ?? DefaultStrength;
        var fidelity = pass.Fidelity ?? DefaultFidelity;
        var result = DiffusionRegion.Run(backend.RestoreFacesAsync(new RestoreRequest(sent, model, strength, fidelity), input.Cancel));
        using var restored = DiffusionRegion.Decode(backend.Spec, result.Image, w, h);
        var coverage = mask.ToImage().Crop(x0, y0, w, h);
        var filled = DiffusionRegion.Paste(image, restored.Clamp(min: 0.0, max: 1.0).CopyMemory(), coverage, x0, y0);
        var record = new RestorePassRecord(Names.EnumValue(backend.Spec.Kind), backend.Spec.PublicUrl, result.ServerVersion, Names.EnumValue(model),
            strength, model == FaceRestorer.Codeformer ? fidelity : null, [x0, y0, w, h], Math.Round(clock.Elapsed.TotalMilliseconds, 1));
        return new RepairFill(filled, record);
    }

    public void Dispose()
    {
        // The client belongs to the run's back-end clients.
    }
}

/// <summary>What one face-restoration pass sent and got, for the sidecar: the server (URL without credentials), its version, the restorer and its settings, and the crop sent.</summary>
public sealed record RestorePassRecord(string Kind, string Url, string ServerVersion, string Model, double Strength, double? Fidelity,
    IReadOnlyList<int> Crop, double ServerMs);
