namespace Burnish.Recipes;

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
/// A section whose <c>preset</c> key names a shipped or user look: the section starts from that preset's values and
/// its other keys override them.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PresetSourceAttribute(Type source) : Attribute
{
    public const string Key = "preset";
    public Type Source { get; } = source;
}

/// <summary>Loads presets by name; throws <see cref="BurnishException"/> for an unknown one.</summary>
public interface IPresetSource
{
    /// <param name="name">The preset's name or file.</param>
    /// <param name="chain">Presets already being loaded, outermost first: a preset that names one of them is a cycle.</param>
    object Load(string name, IReadOnlyList<string> chain);
}

/// <summary>A record that checks relations between its keys after binding (e.g. "one of A or B").</summary>
public interface ISelfValidating
{
    IEnumerable<(string? Key, string Message)> Problems();
}

/// <summary>One thing wrong with a recipe, located in its file.</summary>
public sealed record RecipeProblem(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{Burnish.IO.PathText.Show(File)}:{Line}:{Column}: {Message}";
}

/// <summary>A recipe that failed validation; every problem is listed.</summary>
public sealed class RecipeException(IReadOnlyList<RecipeProblem> problems)
    : BurnishException(problems.Count == 1 ? problems[0].ToString() : $"{problems.Count} problems in recipe:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<RecipeProblem> Problems { get; } = problems;
}
