using System.Text.Json;

namespace Burnish.Imaging.Generation;

/// <summary>
/// NovelAI PNGs: <c>Description</c> holds the prompt, <c>Source</c> the model, and <c>Comment</c> a JSON
/// object with the sampling settings (<c>uc</c> is the negative prompt, <c>scale</c> the CFG scale).
/// </summary>
internal static class NovelAiMetadata
{
    private static readonly HashSet<string> Mapped = new(StringComparer.Ordinal)
    {
        "prompt", "uc", "seed", "steps", "scale", "sampler", "noise_schedule", "width", "height",
    };

    /// <summary>Parses the NovelAI chunks; <paramref name="comment"/> must be the JSON object.</summary>
    public static GenerationParams? Parse(string? description, string comment, string? source)
    {
        using var doc = JsonValues.ParseObject(comment);
        if (doc is null)
            return null;
        var c = doc.RootElement;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        long? seed = null;
        if (c.Prop("seed") is { } s)
        {
            seed = JsonValues.AsLong(s);
            if (seed is null && JsonValues.AsString(s) is { } raw)
                extra["seed"] = raw;
        }
        JsonValues.CopyScalars(c, extra, Mapped);
        return new GenerationParams(
            GenerationTools.NovelAI,
            // Newer (V4) images repeat the prompt in Comment, and sometimes only there.
            JsonValues.NullIfBlank(description) ?? JsonValues.NullIfBlank(c.Str("prompt")) ?? V4Caption(c, "v4_prompt"),
            JsonValues.NullIfBlank(c.Str("uc")) ?? V4Caption(c, "v4_negative_prompt"),
            seed,
            JsonValues.NullIfBlank(source),
            c.Str("sampler"),
            c.Str("noise_schedule"),
            c.Int("steps"),
            c.Double("scale"),
            c.Int("width"),
            c.Int("height"),
            extra);
    }

    private static string? V4Caption(JsonElement comment, string key) =>
        comment.Prop(key)?.Prop("caption")?.Str("base_caption") is { } text ? JsonValues.NullIfBlank(text) : null;
}
