using System.Text.Json.Nodes;

namespace Burnish.Backends.ComfyUi;

/// <summary>
/// A team's own ComfyUI workflow (API format, "Save (API)") run inside Burnish: string inputs holding a placeholder
/// are filled per job. A value that is exactly <c>{{seed}}</c> (or steps, cfg, denoise, width, height) becomes that
/// number; inside longer text a placeholder is replaced as text. <c>{{image}}</c> and <c>{{mask}}</c> both name the
/// uploaded RGBA file (LoadImage gives the mask from its alpha; LoadImageMask reads its alpha channel).
/// </summary>
public static class GraphPlaceholders
{
    /// <summary>Every placeholder a graph may hold.</summary>
    public static readonly string[] Names = ["image", "mask", "prompt", "negative", "seed", "steps", "cfg", "denoise", "checkpoint", "sampler", "width", "height"];

    /// <summary>Reads and checks a graph file; throws <see cref="BurnishException"/> with one line when it cannot be used.</summary>
    public static JsonObject Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BurnishException($"graph {path}: {(e is FileNotFoundException ? "file not found" : e.Message)}");
        }
        JsonObject graph;
        try
        {
            graph = JsonNode.Parse(text) as JsonObject ?? throw new BurnishException($"graph {path}: not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new BurnishException($"graph {path}: not JSON ({e.Message})");
        }
        if (graph.Count == 0 || graph.Any(kv => kv.Value is not JsonObject node || node["class_type"] is not JsonValue || node["inputs"] is not JsonObject))
            throw new BurnishException($"graph {path}: not ComfyUI's API format (each node needs class_type and inputs; use \"Save (API)\")");
        var used = Used(graph);
        if (!used.Contains("image"))
            throw new BurnishException($"graph {path}: no {{{{image}}}} placeholder; put it in the LoadImage node's image input");
        foreach (var unknown in Placeholders(graph).Where(p => !Names.Contains(p)))
            throw new BurnishException($"graph {path}: unknown placeholder {{{{{unknown}}}}}; known: {string.Join(", ", Names.Select(n => "{{" + n + "}}"))}");
        return graph;
    }

    /// <summary>The node types the graph uses.</summary>
    public static IEnumerable<string> NodeTypes(JsonObject graph) => graph.Select(kv => kv.Value?["class_type"]?.GetValue<string>() ?? "");

    /// <summary>A copy of <paramref name="graph"/> with every placeholder filled for one job.</summary>
    public static JsonObject Fill(JsonObject graph, InpaintRequest request, string image, string checkpoint, string sampler)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(request);
        var numbers = new Dictionary<string, JsonNode>
        {
            ["seed"] = request.Seed, ["steps"] = request.Steps, ["cfg"] = request.Cfg, ["denoise"] = request.Denoise,
            ["width"] = request.Width, ["height"] = request.Height,
        };
        var texts = new Dictionary<string, string>
        {
            ["image"] = image, ["mask"] = image, ["prompt"] = request.Prompt, ["negative"] = request.Negative, ["checkpoint"] = checkpoint,
            ["sampler"] = sampler,
        };
        foreach (var (key, value) in numbers) texts[key] = value.ToJsonString();
        var filled = graph.DeepClone().AsObject();
        foreach (var (_, node) in filled)
        {
            var inputs = node!["inputs"]!.AsObject();
            foreach (var name in inputs.Select(kv => kv.Key).ToList())
            {
                if (inputs[name] is not JsonValue v || !v.TryGetValue<string>(out var s) || !s.Contains("{{", StringComparison.Ordinal)) continue;
                var whole = s.Trim();
                if (whole.StartsWith("{{", StringComparison.Ordinal) && whole.EndsWith("}}", StringComparison.Ordinal) && numbers.TryGetValue(whole[2..^2], out var number))
                    inputs[name] = number.DeepClone();
                else
                    inputs[name] = texts.Aggregate(s, (t, kv) => t.Replace("{{" + kv.Key + "}}", kv.Value, StringComparison.Ordinal));
            }
        }
        return filled;
    }

    private static HashSet<string> Used(JsonObject graph) => [.. Placeholders(graph)];

    private static IEnumerable<string> Placeholders(JsonObject graph)
    {
        foreach (var (_, node) in graph)
            foreach (var (_, value) in node!["inputs"]!.AsObject())
            {
                if (value is not JsonValue v || !v.TryGetValue<string>(out var s)) continue;
                for (var at = s.IndexOf("{{", StringComparison.Ordinal); at >= 0; at = s.IndexOf("{{", at + 2, StringComparison.Ordinal))
                {
                    var end = s.IndexOf("}}", at + 2, StringComparison.Ordinal);
                    if (end < 0) break;
                    yield return s[(at + 2)..end];
                }
            }
    }
}
