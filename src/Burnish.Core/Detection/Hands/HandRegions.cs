using NetVips;

namespace Burnish.Detection.Hands;

/// <summary>The sidecar's regions for hands: kind "hand", the grown outline's box, the presence score, the masked pixels.</summary>
public static class HandRegions
{
    public static IEnumerable<FoundRegion> Of(IReadOnlyList<DetectedHand> hands, double grow, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(hands);
        foreach (var h in hands)
        {
            using var alone = HandMasks.Rasterise([h], width, height, grow);
            yield return AutoRegions.Of("hand", HandMasks.Outline(h, grow), h.Presence, alone);
        }
    }
}
