using System.Collections;
using System.Globalization;
using System.Reflection;
using Burnish.Schema;

namespace Burnish.Recipes;

/// <summary>
/// One recipe key as <c>recipe init</c> (<see cref="RecipeTemplate"/>) and the key reference
/// (<see cref="RecipeReference"/>) show it: its doc, range and the kind of value it holds, read from the declarations
/// the binder validates against.
/// </summary>
public sealed record RecipeKey(string Name, PropertyInfo Property)
{
    /// <summary>The keys of a section record, in declaration order.</summary>
    public static IEnumerable<RecipeKey> Of(Type section) => RecipeKeys.Of(section).Select(kv => new RecipeKey(kv.Key, kv.Value));

    public string Doc => Property.GetCustomAttribute<DocAttribute>()!.Text;

    public RangeAttribute? Range => Property.GetCustomAttribute<RangeAttribute>();

    /// <summary>The declared type without <see cref="Nullable{T}"/>.</summary>
    public Type Type => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    /// <summary>The element type when the key holds a list, else null.</summary>
    public Type? Item => ListItem(Type);

    /// <summary>A nested mapping of keys.</summary>
    public bool IsSection => RecipeKeys.IsSection(Type);

    /// <summary>A list whose items are mappings of keys (repair passes, copies, soften regions).</summary>
    public bool IsSectionList => Item is { } item && RecipeKeys.IsSection(item);

    /// <summary>The doc followed by the accepted range, as the template's comments show it.</summary>
    public string DocWithRange => Doc + (Range is { } r ? $" Range {Number(r.Min)}–{Number(r.Max)}." : "");

    public object? ValueIn(object section) => Property.GetValue(section);

    /// <summary>The spellings the binder accepts for an enum's members.</summary>
    public static IReadOnlyList<string> EnumValues(Type type) => [.. Enum.GetNames(type).Select(Names.EnumValue)];

    /// <summary>
    /// A value as it is written in a recipe: a YAML scalar, or a flow list for a list of scalars (passes, aspects,
    /// boxes, curve points), whose strings are quoted because "16:9" and "10%" must be.
    /// </summary>
    public static string Format(object value) => value switch
    {
        bool v => v ? "true" : "false",
        Enum e => Names.EnumValue(e.ToString()),
        double d => Number(d),
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(v => v is string s ? Quoted(s) : Format(v))) + "]",
        _ => value.ToString() ?? "",
    };

    private static string Quoted(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static string Number(double d) => d.ToString(CultureInfo.InvariantCulture);

    internal static Type? ListItem(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;
}
