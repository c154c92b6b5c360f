using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Burnish.Schema;

namespace Burnish.Recipes;

/// <summary>
/// Binds YAML nodes onto parameter records by reflection over their properties, so that each key's name, type,
/// range and doc are declared once on the record. Collects every problem instead of stopping at the first.
/// The nodes come from a recipe file, or are built from command-line settings (<see cref="RecipeSettings"/>), whose
/// values may be literal text or already converted (<paramref name="given"/>); <paramref name="places"/> says where
/// each problem is.
/// </summary>
internal sealed class RecipeBinder(IProblemPlaces places, IReadOnlyList<string> presetChain, GivenValues? given = null)
{
    private readonly List<RecipeProblem> problems = [];

    public RecipeBinder(string file, IReadOnlyList<string> presetChain) : this(new FilePlaces(file), presetChain) { }

    public IReadOnlyList<RecipeProblem> Problems => [.. problems.OrderBy(p => p.Line).ThenBy(p => p.Column)];

    /// <summary>A problem with the value at <paramref name="path"/>, which is shown before the message.</summary>
    private void Report(YamlNode at, string path, string message) => problems.Add(places.Place(at.Start, path, path, message));

    /// <summary>A problem whose message names its key itself (unknown or duplicate keys); <paramref name="about"/> says whose it is.</summary>
    private void ReportAbout(YamlNode at, string about, string message) => problems.Add(places.Place(at.Start, "", about, message));

    /// <summary>Binds <paramref name="node"/> onto a copy of <paramref name="seed"/> (or onto the defaults).</summary>
    public object Bind(Type type, YamlNode node, string path, object? seed = null)
    {
        var instance = seed is null ? Activator.CreateInstance(type)! : type.GetMethod("<Clone>$")!.Invoke(seed, null)!;
        if (node is YamlScalarNode { Value: null or "" or "~" or "null" }) return instance; // an empty section keeps the defaults
        if (node is not YamlMappingNode map)
        {
            Report(node, path, $"expected a mapping of keys, got {Describe(node)}");
            return instance;
        }
        if (type.GetCustomAttribute<PresetsAttribute>() is not null && PresetNode(map) is { } presetNode)
            instance = BindPreset(type, presetNode, path) ?? instance;
        var properties = RecipeKeys.Of(type);
        var seen = new HashSet<string>();
        var failedKeys = new HashSet<string>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var where = Join(path, key);
            if (!seen.Add(key))
            {
                ReportAbout(keyNode, where, $"duplicate key '{where}'");
                continue;
            }
            if (!properties.TryGetValue(key, out var property))
            {
                var hint = Names.Closest(key, properties.Keys);
                ReportAbout(keyNode, where, $"unknown key '{where}'" + (hint is null ? $"; known keys: {string.Join(", ", properties.Keys)}" : $"; did you mean '{hint}'?"));
                continue;
            }
            if (BindValue(property.PropertyType, valueNode, where, property, property.GetValue(instance), out var value))
                property.SetValue(instance, value);
            else
                failedKeys.Add(key);
        }
        if (instance is ISelfValidating self)
        {
            foreach (var (key, message) in self.Problems())
            {
                // A key that failed to bind was left at its default; relations involving it would only echo that problem.
                if (failedKeys.Count > 0 && (key is null || failedKeys.Contains(key.Split('.', '[')[0]))) continue;
                var at = key is not null && Locate(map, key) is { } v ? v : map;
                // A key with an index names one item, which the message is about: "aspects[1]: 32:18 is the same ratio as 16:9".
                var about = key is null ? path : Join(path, key);
                problems.Add(places.Place(at.Start, key?.Contains('[', StringComparison.Ordinal) == true ? about : path, about, message));
            }
        }
        return instance;
    }

    // The node at a path below a mapping: a key ("backend"), or keys and list indexes ("repair[0].backend").
    private static YamlNode? Locate(YamlMappingNode map, string path)
    {
        YamlNode? node = map;
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? part : part[..bracket];
            node = node is YamlMappingNode m ? m.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == name).Value : null;
            if (bracket >= 0 && node is YamlSequenceNode list && int.TryParse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture, out var index))
                node = index < list.Children.Count ? list.Children[index] : null;
            if (node is null) return null;
        }
        return node;
    }

    private static YamlScalarNode? PresetNode(YamlMappingNode map) =>
        map.Children.FirstOrDefault(kv => (kv.Key as YamlScalarNode)?.Value == PresetsAttribute.Key).Value as YamlScalarNode;

    // A section with a preset starts from the preset's values; its other keys then override them one by one.
    private object? BindPreset(Type type, YamlScalarNode node, string path)
    {
        var name = node.Value ?? "";
        try
        {
            var preset = SectionPresets.Load(type, name, presetChain);
            return preset.GetType() == type ? type.GetMethod("<Clone>$")!.Invoke(preset, null) : null;
        }
        catch (BurnishException e)
        {
            Report(node, Join(path, PresetsAttribute.Key), e.Message);
            return null;
        }
    }

    // at: where a problem with a typed value is reported when not at the value itself (an item of a list is reported at the list, as before values were typed).
    private bool BindValue(Type type, YamlNode node, string path, PropertyInfo? property, object? current, out object? value, YamlNode? at = null)
    {
        var range = property?.GetCustomAttribute<RangeAttribute>();
        if (given is not null && given.TryGet(node, out value))
        {
            // Converted already by the option's parser; what is left is the key's range.
            if (range is null || value is not (int or long or double)) return true;
            var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (Values.OutOfRange(range, number, number.ToString(CultureInfo.InvariantCulture)) is not { } outside) return true;
            Report(node, path, outside);
            return false;
        }
        value = null;
        var literal = given?.IsLiteral(node) == true;
        var underlying = Nullable.GetUnderlyingType(type);
        if (!literal && node is YamlScalarNode { Value: "~" or "null" } && (underlying is not null || !type.IsValueType))
            return true;
        type = underlying ?? type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return BindList(type.GetGenericArguments()[0], node, path, out value);
        if (RecipeKeys.IsSection(type))
        {
            value = Bind(type, node, path, current);
            return true;
        }
        if (node is not YamlScalarNode scalar || scalar.Value is null)
        {
            Report(node, path, $"expected {TypeName(type)}, got {Describe(node)}");
            return false;
        }
        var text = scalar.Value;
        // YAML's quotes make text of a number or a boolean; a literal setting has no quotes, only its text.
        if (!literal && (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) && (type == typeof(bool) || type == typeof(int) || type == typeof(double)))
        {
            Report(node, path, $"expected {TypeName(type)}, got '{text}'");
            return false;
        }
        if (Values.TryParse(type, text, range, out value, out var problem)) return true;
        // A typed value (tile size, aspect ratio, length) in a list is reported at the list.
        Report(Values.TextParser(type) is not null && at is not null ? at : node, path, problem);
        return false;
    }

    private bool BindList(Type element, YamlNode node, string path, out object? value)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        value = list;
        if (node is not YamlSequenceNode sequence)
        {
            Report(node, path, $"expected a list, got {Describe(node)}");
            return false;
        }
        var i = 0;
        foreach (var item in sequence.Children)
        {
            if (BindValue(element, item, $"{path}[{i++}]", null, null, out var v, sequence)) list.Add(v);
        }
        return true;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : key.StartsWith('[') ? path + key : $"{path}.{key}";

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };

    internal static string TypeName(Type type) => type switch
    {
        _ when type == typeof(int) => "a whole number",
        _ when type == typeof(double) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(string) => "text",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(Names.EnumValue)),
        _ when Values.TextParser(type) is not null => "a single value",
        _ when type.IsGenericType => "a list",
        _ => "a mapping",
    };
}

/// <summary>The recipe keys of a parameters record: its public settable properties, by snake_case name.</summary>
public static class RecipeKeys
{
    public static IReadOnlyDictionary<string, PropertyInfo> Of(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<DocAttribute>() is not null)
            .ToDictionary(p => Names.Key(p.Name));

    /// <summary>True for the records that are written as a nested mapping.</summary>
    public static bool IsSection(Type type) => type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Burnish", StringComparison.Ordinal) == true;
}

/// <summary>Where a binder's problem is: <c>shown</c> is the key path the message follows ("" for none), <c>about</c> the key it concerns.</summary>
internal interface IProblemPlaces
{
    RecipeProblem Place(Mark at, string shown, string about, string message);
}

/// <summary>Problems in a recipe file: its line and column, then the key path.</summary>
internal sealed class FilePlaces(string file) : IProblemPlaces
{
    public RecipeProblem Place(Mark at, string shown, string about, string message) =>
        new(file, (int)at.Line, (int)at.Column, shown.Length == 0 ? message : $"{shown}: {message}");
}
