namespace Burnish.Schema;

/// <summary>What a recipe key means, shown by validation, <c>recipe init</c> and the docs. Declared once, beside the field.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DocAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>The inclusive range a number key accepts.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(double min, double max) : Attribute
{
    public double Min { get; } = min;
    public double Max { get; } = max;
}

/// <summary>
/// A section whose <c>preset</c> key names a shipped look (embedded YAML of the section's keys, beside the stage) or a
/// path to a user's YAML file: the section starts from that preset's values and its other keys override them.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PresetsAttribute(string resourcePrefix, params string[] names) : Attribute
{
    public const string Key = "preset";

    /// <summary>Embedded resources are named PREFIX.NAME.yaml.</summary>
    public string ResourcePrefix { get; } = resourcePrefix;

    public IReadOnlyList<string> Names { get; } = names;
}

/// <summary>
/// A top-level recipe section that no stage owns: what stages refer to by name (the diffusion back-ends). The stage
/// catalogue's completeness check and the canonical order leave it out.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SharedSectionAttribute : Attribute;

/// <summary>
/// A record that checks relations between its keys after binding (e.g. "one of A or B"). Each problem names the key it
/// is placed at; a key with an index ("aspects[1]") names one item, and its message, about that item, follows the item's path.
/// </summary>
public interface ISelfValidating
{
    IEnumerable<(string? Key, string Message)> Problems();
}
