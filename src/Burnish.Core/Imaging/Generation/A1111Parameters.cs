using System.Text.Json;
using System.Text.RegularExpressions;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Parser for the AUTOMATIC1111 "parameters" text: prompt lines, an optional "Negative prompt:" block,
/// and a last line of <c>Key: value</c> pairs. Mirrors webui's own <c>parse_generation_parameters</c>
/// so anything webui can paste back, this reads the same way.
/// </summary>
internal static partial class A1111Parameters
{
    // webui's re_param_code: keys are 2+ word characters (spaces, '-', '/' allowed); values are either a
    // JSON-quoted string (which may contain commas) or run to the next comma.
    [GeneratedRegex("""\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)""")]
    private static partial Regex ParamPair();

    [GeneratedRegex(@"^(\d+)x(\d+)$")]
    private static partial Regex ImageSize();

    private const string NegativePrefix = "Negative prompt:";

    public static GenerationParams Parse(string text, string tool = GenerationTools.Automatic1111)
    {
        var lines = text.Trim().Split('\n');
        var lastLine = lines[^1];
        var promptLines = lines.AsSpan(0, lines.Length - 1);
        // webui's rule: the last line holds the settings only if it has at least 3 key/value pairs;
        // otherwise it is just more prompt.
        if (ParamPair().Matches(lastLine).Count < 3)
        {
            promptLines = lines.AsSpan();
            lastLine = "";
        }

        var prompt = new List<string>();
        var negative = new List<string>();
        var inNegative = false;
        foreach (var raw in promptLines)
        {
            var line = raw.Trim();
            if (line.StartsWith(NegativePrefix, StringComparison.Ordinal))
            {
                inNegative = true;
                line = line[NegativePrefix.Length..].Trim();
            }
            (inNegative ? negative : prompt).Add(line);
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in ParamPair().Matches(lastLine))
        {
            var key = m.Groups[1].Value.Trim();
            var value = m.Groups[2].Value.Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                value = Unquote(value);
            settings.TryAdd(key, value);
        }

        int? width = null, height = null;
        if (Take(settings, "Size") is { } size)
        {
            var sm = ImageSize().Match(size);
            if (sm.Success)
            {
                width = JsonValues.ParseInt(sm.Groups[1].Value);
                height = JsonValues.ParseInt(sm.Groups[2].Value);
            }
            else
            {
                settings["Size"] = size;
            }
        }

        var seedText = Take(settings, "Seed");
        var seed = JsonValues.ParseLong(seedText);
        if (seed is null && seedText is not null)
            settings["Seed"] = seedText;

        var stepsText = Take(settings, "Steps");
        var steps = JsonValues.ParseInt(stepsText);
        if (steps is null && stepsText is not null)
            settings["Steps"] = stepsText;

        var cfgText = Take(settings, "CFG scale");
        var cfg = JsonValues.ParseDouble(cfgText);
        if (cfg is null && cfgText is not null)
            settings["CFG scale"] = cfgText;

        // Fooocus's "a1111" metadata scheme writes this same format, tagged with its own version string.
        if (settings.TryGetValue("Version", out var version) && version.StartsWith("Fooocus", StringComparison.OrdinalIgnoreCase))
            tool = GenerationTools.Fooocus;

        return new GenerationParams(
            tool,
            JsonValues.NullIfBlank(string.Join('\n', prompt)),
            JsonValues.NullIfBlank(string.Join('\n', negative)),
            seed,
            Take(settings, "Model"),
            Take(settings, "Sampler"),
            Take(settings, "Schedule type"),
            steps,
            cfg,
            width,
            height,
            settings);
    }

    /// <summary>True when the text's last line looks like an A1111 settings line.</summary>
    public static bool LooksLikeParameters(string text)
    {
        var trimmed = text.Trim();
        var lastLine = trimmed[(trimmed.LastIndexOf('\n') + 1)..];
        return ParamPair().Matches(lastLine).Count >= 3 && lastLine.Contains("Steps:", StringComparison.Ordinal);
    }

    private static string? Take(Dictionary<string, string> settings, string key) =>
        settings.Remove(key, out var v) ? v : null;

    // webui quotes values with json.dumps, so json.loads is the inverse.
    private static string Unquote(string quoted)
    {
        try
        {
            using var doc = JsonDocument.Parse(quoted);
            return doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString()! : quoted;
        }
        catch (JsonException)
        {
            return quoted[1..^1];
        }
    }
}
