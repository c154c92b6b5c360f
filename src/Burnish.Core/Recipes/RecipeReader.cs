using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Burnish.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Burnish.Recipes;

/// <summary>Reads recipes (YAML, or JSON, which is read as YAML) and writes their normalised form.</summary>
public static class RecipeReader
{
    /// <summary>Reads and validates a recipe file. Throws <see cref="RecipeException"/> listing every problem.</summary>
    public static Recipe Read(string path)
    {
        string text;
        try
        {
            text = TextFiles.ReadAllText(path, InputLimits.Default.MaxTextFileBytes);
        }
        catch (InputFileException e)
        {
            throw new RecipeException([new RecipeProblem(path, 0, 0, e.Problem == "file not found" ? "recipe file not found" : e.Problem)]);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates recipe text; <paramref name="file"/> names it in problems.</summary>
    public static Recipe Parse(string text, string file)
    {
        var root = Root(text, file) ?? throw new RecipeException([new RecipeProblem(file, 1, 1, $"empty recipe; it needs at least 'version: {Recipe.CurrentVersion}'")]);
        return Resolved(Bind<Recipe>(root, file));
    }

    /// <summary>
    /// <paramref name="recipe"/> with the keys of <paramref name="text"/> (recipe YAML) set on top of it: a section
    /// is merged key by key (one that is absent starts from its defaults), a list is replaced. Validated like a recipe.
    /// </summary>
    public static Recipe Override(Recipe recipe, string text, string file)
    {
        if (Root(text, file) is not { } root) return recipe;
        var binder = new RecipeBinder(file, []);
        var bound = (Recipe)binder.Bind(typeof(Recipe), root, "", recipe);
        if (binder.Problems.Count > 0) throw new RecipeException(binder.Problems);
        return Resolved(bound);
    }

    // Defaults that depend on other keys are written out, so a recipe hashes alike however it was written.
    internal static Recipe Resolved(Recipe recipe) =>
        recipe with { Export = recipe.Export with { Copies = [.. recipe.Export.Copies.Select(c => c.Resolved())] } };

    /// <summary>Parses YAML holding the keys of one section (a grade preset file, say) into its record.</summary>
    public static T ParseSection<T>(string text, string file) where T : class => (T)ParseSection(typeof(T), text, file, []);

    /// <summary>Reads one section's keys (a look file) as <paramref name="type"/>, validated like a recipe.</summary>
    public static object ParseSection(Type type, string text, string file) => ParseSection(type, text, file, []);

    /// <summary>As <see cref="ParseSection(Type, string, string)"/>, inside the presets of <paramref name="presetChain"/> (outermost first; see <see cref="SectionPresets"/>).</summary>
    internal static object ParseSection(Type type, string text, string file, IReadOnlyList<string> presetChain) =>
        Root(text, file) is { } root ? Bind(type, root, file, presetChain) : Activator.CreateInstance(type)!;

    /// <summary>
    /// The YAML tree of <paramref name="text"/>, checked for depth, aliases and expansion before it is built (see
    /// <see cref="CheckShape"/>); null for empty text. Throws <see cref="RecipeException"/> with line:col.
    /// </summary>
    public static YamlNode? Root(string text, string file)
    {
        text = EndDirectiveLine(text);
        CheckShape(text, file, InputLimits.Default);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new RecipeException([new RecipeProblem(file, (int)e.Start.Line, (int)e.Start.Column, $"not valid YAML or JSON: {e.InnerException?.Message ?? e.Message}")]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these on some malformed input (found by fuzzing): the scanner on odd plain scalars,
            // the node builder on a stream whose events it does not expect (a NUL inside a key, say).
            throw new RecipeException([new RecipeProblem(file, 0, 0, "not valid YAML or JSON")]);
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>
    /// YamlDotNet 18.1 skips a directive it does not know (<c>%FOO</c>) to the end of its line. When that line is the
    /// last and ends exactly at a 1,024-character block of its read buffer, the buffer's count goes below zero and the
    /// skip runs until it wraps: about 2³² steps, 30 s for a 1 KB file (found by AFL). A line break after such a line
    /// ends the skip first; nothing else in the text changes.
    /// </summary>
    private static string EndDirectiveLine(string text)
    {
        var lastLine = text.AsSpan(text.AsSpan().LastIndexOfAny("\r\n\u0085\u2028\u2029") + 1);
        return lastLine.StartsWith("%") ? text + "\n" : text;
    }

    /// <summary>
    /// Refuses text nested deeper than the limit's mappings and lists, aliases that do not refer back to a finished
    /// anchor, and text whose aliases expand to more nodes than the limit. YamlDotNet's event parser keeps its own
    /// stack, but building the node tree (and binding it) recurses once per level, so 50,000 levels overflowed the
    /// stack and killed the process; so did an alias used before its anchor, as a mapping key (its node model
    /// compares unresolved aliases recursively; found by AFL). The events are checked first.
    /// </summary>
    private static void CheckShape(string text, string file, InputLimits limits)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var last = Mark.Empty;
        var nodes = 0L;
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long NodesBefore)>();
        RecipeException Problem(ParsingEvent at, string message) =>
            new([new RecipeProblem(file, (int)at.Start.Line, (int)at.Start.Column, message)]);
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.End;
                switch (current)
                {
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var size))
                            throw Problem(current, $"alias *{alias.Value.Value} does not refer to an anchor defined before it, outside it");
                        nodes += size;
                        break;
                    case NodeEvent node and (MappingStart or SequenceStart):
                        if (++depth > limits.MaxNestingDepth)
                            throw Problem(current, $"nested deeper than {limits.MaxNestingDepth} levels of mappings and lists");
                        // An alias inside the collection its anchor names would make a cycle, whatever came before.
                        if (!node.Anchor.IsEmpty) anchors.Remove(node.Anchor.Value);
                        open.Push((node.Anchor.IsEmpty ? null : node.Anchor.Value, nodes));
                        nodes++;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        if (open.TryPop(out var closed) && closed.Anchor is { } name) anchors[name] = nodes - closed.NodesBefore;
                        break;
                    case Scalar scalar:
                        nodes++;
                        if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                        break;
                }
                if (nodes > limits.MaxExpandedNodes)
                    throw Problem(current, $"expands to more than {limits.MaxExpandedNodes} values with its aliases");
            }
        }
        catch (YamlException e)
        {
            throw new RecipeException([new RecipeProblem(file, (int)e.Start.Line, (int)e.Start.Column, $"not valid YAML or JSON: {e.InnerException?.Message ?? e.Message}")]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws the first on some malformed plain scalars, its parser the second on a tag
            // that is not a URI ("!!]s"); both found by fuzzing, located after the last good token.
            throw new RecipeException([new RecipeProblem(file, (int)last.Line, (int)last.Column, "not valid YAML or JSON")]);
        }
    }

    private static T Bind<T>(YamlNode root, string file) => (T)Bind(typeof(T), root, file, []);

    private static object Bind(Type type, YamlNode root, string file, IReadOnlyList<string> presetChain)
    {
        var binder = new RecipeBinder(file, presetChain);
        var bound = binder.Bind(type, root, "")!;
        if (binder.Problems.Count > 0) throw new RecipeException(binder.Problems);
        return bound;
    }

    private static readonly JsonSerializerOptions NormalForm = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = false,
    };

    /// <summary>The recipe with every default filled in, as JSON: what the sidecar records and what is hashed.</summary>
    public static JsonElement Normalise(Recipe recipe) => JsonSerializer.SerializeToElement(recipe, NormalForm);

    /// <summary>SHA-256 of the normalised recipe: equal recipes hash alike however they were written.</summary>
    public static string Hash(Recipe recipe) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(recipe).GetRawText())));
}
