using System.Text.RegularExpressions;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Fooocus's "fooocus" metadata scheme: <c>parameters</c> is a JSON object
/// (its "a1111" scheme is handled by <see cref="A1111Parameters"/>).
/// </summary>
internal static partial class FooocusMetadata
{
    // Fooocus writes str((width, height)), e.g. "(768, 1280)".
    [GeneratedRegex(@"^\(\s*(\d+)\s*,\s*(\d+)\s*\)$")]
    private static partial Regex Resolution();

    private static readonly HashSet<string> Mapped = new(StringComparer.Ordinal)
    {
        "prompt", "negative_prompt", "seed", "steps", "guidance_scale", "sampler", "scheduler", "base_model", "resolution",
    };

    /// <summary>True when a JSON "parameters" text is Fooocus's own scheme.</summary>
    public static bool IsFooocusJson(string json)
    {
        using var doc = JsonValues.ParseObject(json);
        if (doc is null)
            return false;
        var root = doc.RootElement;
        return string.Equals(root.Str("metadata_scheme"), "fooocus", StringComparison.OrdinalIgnoreCase)
            || (root.Str("version")?.StartsWith("Fooocus", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    public static GenerationParams? Parse(string json)
    {
        using var doc = JsonValues.ParseObject(json);
        if (doc is null)
            return null;
        var root = doc.RootElement;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        long? seed = null;
        if (root.Prop("seed") is { } s)
        {
            seed = JsonValues.AsLong(s);
            if (seed is null && JsonValues.AsString(s) is { } raw)
                extra["seed"] = raw;
        }
        int? width = null, height = null;
        if (root.Str("resolution") is { } resolution)
        {
            var m = Resolution().Match(resolution.Trim());
            if (m.Success)
            {
                width = JsonValues.ParseInt(m.Groups[1].Value);
                height = JsonValues.ParseInt(m.Groups[2].Value);
            }
            else
            {
                extra["resolution"] = resolution;
            }
        }
        JsonValues.CopyScalars(root, extra, Mapped);
        return new GenerationParams(
            GenerationTools.Fooocus,
            JsonValues.NullIfBlank(root.Str("prompt")),
            JsonValues.NullIfBlank(root.Str("negative_prompt")),
            seed,
            root.Str("base_model"),
            root.Str("sampler"),
            root.Str("scheduler"),
            root.Int("steps"),
            root.Double("guidance_scale"),
            width,
            height,
            extra);
    }
}
