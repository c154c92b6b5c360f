using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Burnish.Recipes;
using Burnish.Schema;

namespace Burnish.Cli;

/// <summary>
/// Options of one command bound to the keys of one parameter record. Each option is made from its key's property: the
/// value type (an enum's names, a typed value's TryParse, a list as comma-separated or repeated values), and [Doc] as
/// its description unless the command words it for the command line. Its value is parsed once, by that type, and
/// reaches the record as a setting named by the option, so the key's [Range] and the record's rules are checked by the
/// recipe binder and any problem reads "option --seam: …".
/// </summary>
public sealed class RecordOptions<T> where T : class
{
    private readonly List<(Option Option, string Key, Func<ParseResult, object?> Value)> bound = [];

    /// <summary>An option for <paramref name="key"/> (dotted for a nested key: target.long_edge), typed by its property.</summary>
    public Option Add(string key, string name, string? description = null, params string[] aliases)
    {
        var (property, defaultValue) = Property(key);
        var make = typeof(RecordOptions<T>).GetMethod(nameof(Make), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(OptionType(property.PropertyType));
        var text = (description ?? property.GetCustomAttribute<DocAttribute>()!.Text).TrimEnd('.') + Bounds(property, defaultValue) + ".";
        return (Option)make.Invoke(this, [key, name, text, aliases])!;
    }

    // " (default 0.3, 0.05–1)": the record's default and range, so the help cannot drift from the recipe.
    private static string Bounds(PropertyInfo property, object? defaultValue)
    {
        var parts = new List<string>();
        if (defaultValue is not (null or false) && CommandLine.ListItem(defaultValue.GetType()) is null)
            parts.Add("default " + (defaultValue is Enum e ? Names.EnumValue(e.ToString()) : Convert.ToString(defaultValue, CultureInfo.InvariantCulture)));
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
            parts.Add(range.Max >= int.MaxValue ? $"at least {range.Min.ToString(CultureInfo.InvariantCulture)}" : string.Create(CultureInfo.InvariantCulture, $"{range.Min}–{range.Max}"));
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    /// <summary>As <see cref="Add"/>, for an option whose value the command reads too.</summary>
    public Option<TValue> Add<TValue>(string key, string name, string? description = null, params string[] aliases) =>
        Add(key, name, description, aliases) as Option<TValue>
            ?? throw new ArgumentException($"{typeof(T).Name}.{key} is not bound as {typeof(TValue).Name}", nameof(TValue));

    /// <summary>The options the user gave, as settings named by the option.</summary>
    public IEnumerable<Setting> Settings(ParseResult parse) =>
        bound.Where(b => parse.GetResult(b.Option) is { Implicit: false }).Select(b => Setting.Given(b.Key, b.Value(parse), $"option {b.Option.Name}"));

    /// <summary>The record from its defaults, the given options and <paramref name="more"/> settings.</summary>
    public T Bind(ParseResult parse, params IEnumerable<Setting> more) => RecipeSettings.Bind<T>(Settings(parse).Concat(more));

    private Option<TValue> Make<TValue>(string key, string name, string description, string[] aliases)
    {
        var option = new Option<TValue>(name, aliases) { Description = description };
        if (typeof(TValue).IsArray) option.AllowMultipleArgumentsPerToken = false;
        bound.Add((option, key, parse => parse.GetValue(option)));
        return option;
    }

    // The key's property and its default, walking nested sections (target.long_edge).
    private static (PropertyInfo Property, object? Default) Property(string key)
    {
        var type = typeof(T);
        object? record = Activator.CreateInstance(type);
        PropertyInfo? property = null;
        foreach (var part in key.Split('.'))
        {
            if (property is not null) type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (!RecipeKeys.Of(type).TryGetValue(part, out property))
                throw new ArgumentException($"{typeof(T).Name} has no key {key}", nameof(key));
            record = record is null ? null : property.GetValue(record);
        }
        return (property!, record);
    }

    // A list is an array option (each value an item, or comma-separated items; a list of lists takes one comma-separated
    // list per value); a nullable value type is its underlying type, as an option left out is no setting at all.
    private static Type OptionType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return CommandLine.ListItem(type) is { } item ? item.MakeArrayType() : type;
    }
}
