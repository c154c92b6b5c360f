namespace Burnish.Pipeline;

/// <summary>The stages, in the one canonical order that every run follows.</summary>
public enum StageId { Repair = 1, Outpaint, Upscale, Cleanup, Grade, Sharpen, Export }

public static class StageOrder
{
    /// <summary>repair → outpaint → upscale → cleanup → grade → sharpen → export. No recipe can change this.</summary>
    public static IReadOnlyList<StageId> Canonical { get; } = Enum.GetValues<StageId>().OrderBy(s => (int)s).ToArray();

    public static string Key(this StageId stage) => stage.ToString().ToLowerInvariant();
}
