using System.Diagnostics;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Schema;
using NetVips;

namespace Burnish.Stages.Repair;

/// <summary>One automatic mask found on its own, as a layer a person accepts or edits before a repair runs.</summary>
/// <param name="Kind">The kind as a recipe spells it (<c>auto: text</c>).</param>
/// <param name="Mask">Coverage 0–1 as one float band at the image's size; all black when nothing was found.</param>
/// <param name="Regions">What was found (kind, box, score), when the kind reports regions.</param>
/// <param name="Warnings">Such as the text mask's face veto, or that nothing was found.</param>
/// <param name="Ms">Detection time, models loaded on first use included.</param>
public sealed record AutoMaskLayer(string Kind, Image Mask, IReadOnlyList<FoundRegion> Regions, IReadOnlyList<string> Warnings, double Ms);

/// <summary>
/// The automatic masks of a repair pass (<see cref="AutoMask"/>), found one kind at a time by the repair stage's own
/// code with the run's shared detectors, so a layer is what <c>repair: [{auto: KIND}]</c> would mask. The kinds are
/// the enum's: a kind added to the repair stage appears here with nothing else to change.
/// </summary>
public static class AutoMaskLayers
{
    /// <summary>Every kind <c>auto:</c> accepts, spelled as in a recipe.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. Enum.GetValues<AutoMask>().Select(k => Names.EnumValue(k))];

    /// <summary>The kind a recipe spelling names, or null.</summary>
    public static AutoMask? Parse(string name) =>
        Enum.GetValues<AutoMask>().Cast<AutoMask?>().FirstOrDefault(k => Names.EnumValue(k!.Value) == name.Trim().ToLowerInvariant());

    /// <summary>One layer per kind, in the order asked, found on <paramref name="image"/> with the detectors of <paramref name="resources"/>.</summary>
    public static IReadOnlyList<AutoMaskLayer> Find(WorkImage image, IReadOnlyList<AutoMask> kinds, StageResources resources, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kinds);
        var passes = kinds.Select(k => new RepairPass { Auto = k }).ToList();
        using var plan = RepairStage.Plan(passes, resources);
        var layers = new List<AutoMaskLayer>();
        foreach (var pass in passes)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var warnings = new List<string>();
            var (mask, regions) = Repair.FindAutoMask(pass, image, plan, warnings, cancel);
            var kind = Names.EnumValue(pass.Auto!.Value);
            mask ??= Image.Black(image.Width, image.Height).Cast(Enums.BandFormat.Float);
            if (mask.Max() <= 0) warnings.Add($"no {kind} found");
            // The stage's warnings name the pass ("repair pass 1: …"); a layer is not a pass yet.
            layers.Add(new AutoMaskLayer(kind, mask, regions ?? [], [.. warnings.Select(w => w.StartsWith("repair pass 1: ", StringComparison.Ordinal) ? w["repair pass 1: ".Length..] : w)],
                Math.Round(clock.Elapsed.TotalMilliseconds, 1)));
        }
        return layers;
    }
}
