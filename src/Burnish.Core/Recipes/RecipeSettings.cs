using System.Runtime.CompilerServices;
using YamlDotNet.RepresentationModel;

namespace Burnish.Recipes;

/// <summary>
/// One recipe key given outside a recipe file (an option, a <c>--set</c>, a key=value argument): its dotted key path
/// below the record it is bound to, its value, and where the user wrote it (<see cref="Source"/>: "option --tile",
/// "--set grade.exposure=9"), which names any problem with it. No YAML text is ever built from a setting.
/// </summary>
public sealed class Setting
{
    private Setting(string key, string source, Func<YamlNode> node, Action<GivenValues, YamlNode>? mark)
    {
        if (key.Length == 0 || key.Split('.').Any(part => part.Length == 0)) throw new BurnishException($"{source}: '{key}' is not a key");
        (Key, Source, this.node, this.mark) = (key, source, node, mark);
    }

    private readonly Func<YamlNode> node;
    private readonly Action<GivenValues, YamlNode>? mark;

    /// <summary>Dotted key path: "target.long_edge", "grade.exposure".</summary>
    public string Key { get; }

    /// <summary>Where the user wrote it, as problems name it.</summary>
    public string Source { get; }

    /// <summary>A value already converted to the key's type (by a typed option's parser); its range and the record's rules are checked when bound.</summary>
    public static Setting Given(string key, object? value, string source) =>
        new(key, source, () => new YamlScalarNode(value?.ToString() ?? ""), (given, n) => given.Add(n, value));

    /// <summary>A value exactly as typed, read by the key's type alone: never YAML, so ': ', '#', quotes and line breaks are part of it.</summary>
    public static Setting Text(string key, string text, string source) =>
        new(key, source, () => new YamlScalarNode(text), (given, n) => given.AddLiteral(n));

    /// <summary>
    /// A YAML value on its own, as --set takes it: a scalar, a [flow, list] or a {flow: mapping}, parsed by itself and never
    /// pasted into a document, so it cannot add keys beside its own.
    /// </summary>
    public static Setting Yaml(string key, string value, string source) => new(key, source, () => YamlValue(value, source), null);

    /// <summary>"key=value" split at the first '=' (the key dotted), made into a setting by <paramref name="make"/>.</summary>
    public static Setting FromKeyValue(string keyValue, Func<string, string, Setting> make)
    {
        var eq = keyValue.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new BurnishException($"'{PathText.Show(keyValue)}' is not key=value");
        return make(keyValue[..eq], keyValue[(eq + 1)..]);
    }

    internal YamlNode Node(GivenValues given)
    {
        var n = node();
        mark?.Invoke(given, n);
        return n;
    }

    private static YamlNode YamlValue(string value, string source)
    {
        YamlNode? root;
        try
        {
            root = RecipeReader.Root(value, source);
        }
        catch (RecipeException e)
        {
            // A position inside a one-line value means nothing to the user; the setting names it.
            throw new RecipeException([.. e.Problems.Select(p => p with { Line = 0, Column = 0 })], oneLine: true);
        }
        return root switch
        {
            null => new YamlScalarNode(""),
            YamlMappingNode { Style: not YamlDotNet.Core.Events.MappingStyle.Flow } or YamlSequenceNode { Style: not YamlDotNet.Core.Events.SequenceStyle.Flow } =>
                throw new RecipeException([new RecipeProblem(source, 0, 0, "a value is one scalar, a [list] or a {mapping}, on one line")]),
            _ => root,
        };
    }
}

/// <summary>Binds settings onto parameter records with the recipe binder: the same conversions, ranges and rules as a recipe file.</summary>
public static class RecipeSettings
{
    /// <summary>A record of type <typeparamref name="T"/> from its defaults with <paramref name="settings"/> on top.</summary>
    public static T Bind<T>(IEnumerable<Setting> settings) where T : class => (T)Bind(typeof(T), null, [.. settings]);

    /// <summary><paramref name="seed"/> with <paramref name="settings"/> on top, section by section, as a recipe override merges them.</summary>
    public static T Bind<T>(T seed, IEnumerable<Setting> settings) where T : class => (T)Bind(typeof(T), seed, [.. settings]);

    /// <summary><paramref name="recipe"/> with <paramref name="settings"/> (dotted recipe keys) on top, validated like a recipe.</summary>
    public static Recipe Override(Recipe recipe, IEnumerable<Setting> settings) => RecipeReader.Resolved(Bind(recipe, settings));

    private static object Bind(Type type, object? seed, IReadOnlyList<Setting> settings)
    {
        var given = new GivenValues();
        var root = Tree(settings, given);
        var binder = new RecipeBinder(new SettingPlaces(settings), [], given);
        var bound = binder.Bind(type, root, "", seed);
        if (binder.Problems.Count > 0) throw new RecipeException(binder.Problems, oneLine: true);
        return bound;
    }

    // The settings as a mapping of nodes, keys in ordinal order (so problems come in a stable order); a later setting of a key replaces an earlier one.
    private static YamlMappingNode Tree(IReadOnlyList<Setting> settings, GivenValues given)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<RecipeProblem>();
        foreach (var setting in settings)
        {
            var path = setting.Key.Split('.');
            var map = root;
            foreach (var part in path[..^1])
            {
                if (!map.TryGetValue(part, out var child) || child is not SortedDictionary<string, object> dict)
                    map[part] = dict = new SortedDictionary<string, object>(StringComparer.Ordinal);
                map = dict;
            }
            try
            {
                map[path[^1]] = setting.Node(given);
            }
            catch (RecipeException e)
            {
                problems.AddRange(e.Problems);
            }
        }
        if (problems.Count > 0) throw new RecipeException(problems, oneLine: true);
        return Mapping(root);
    }

    private static YamlMappingNode Mapping(SortedDictionary<string, object> map)
    {
        var node = new YamlMappingNode();
        foreach (var (key, value) in map)
            node.Add(new YamlScalarNode(key), value as YamlNode ?? Mapping((SortedDictionary<string, object>)value));
        return node;
    }
}

/// <summary>The nodes of command-line settings whose values are converted already, or are literal text rather than YAML.</summary>
internal sealed class GivenValues
{
    private readonly ConditionalWeakTable<YamlNode, StrongBox<object?>> values = [];
    private readonly ConditionalWeakTable<YamlNode, object> literal = [];

    public void Add(YamlNode node, object? value) => values.Add(node, new StrongBox<object?>(value));

    public void AddLiteral(YamlNode node) => literal.Add(node, node);

    public bool TryGet(YamlNode node, out object? value)
    {
        var found = values.TryGetValue(node, out var box);
        value = box?.Value;
        return found;
    }

    public bool IsLiteral(YamlNode node) => literal.TryGetValue(node, out _);
}

/// <summary>
/// Problems with settings, named by the setting they concern ("option --seam: 999 is out of range 0..256"); the key path
/// is shown only where the setting does not already name it (a key inside a --set value's list, say).
/// </summary>
internal sealed class SettingPlaces(IReadOnlyList<Setting> settings) : IProblemPlaces
{
    public RecipeProblem Place(YamlDotNet.Core.Mark at, string shown, string about, string message)
    {
        var setting = Of(about);
        var text = shown.Length == 0 || setting is not null && Names(setting.Key, shown) ? message : $"{shown}: {message}";
        return new RecipeProblem(setting?.Source ?? "", 0, 0, text);
    }

    // The setting of the key, or of a mapping or list the key is inside; else the one setting inside a section the key
    // names (target.long_edge for a rule of target). A rule of the record as a whole is nobody's.
    private Setting? Of(string about)
    {
        if (about.Length == 0) return null;
        var at = settings.LastOrDefault(s => Within(about, s.Key));
        if (at is not null) return at;
        var below = settings.Where(s => s.Key.StartsWith(about + ".", StringComparison.Ordinal)).ToList();
        return below.Count == 1 ? below[0] : null;
    }

    // True when path is key, a key inside it or an item of it.
    private static bool Within(string path, string key) =>
        path == key || path.StartsWith(key + ".", StringComparison.Ordinal) || path.StartsWith(key + "[", StringComparison.Ordinal);

    // True when the setting of key already says path: path is key, a section above it, or an item of it.
    private static bool Names(string key, string path) =>
        key == path || key.StartsWith(path + ".", StringComparison.Ordinal)
        || path.StartsWith(key + "[", StringComparison.Ordinal) && !path[key.Length..].Contains('.', StringComparison.Ordinal);
}
