using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Burnish.IO;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Parser for the AUTOMATIC1111 "parameters" text: prompt lines, an optional "Negative prompt:" block,
/// and a last line of <c>Key: value</c> pairs. Mirrors webui's own <c>parse_generation_parameters</c>
/// so anything webui can paste back, this reads the same way.
/// </summary>
internal static partial class A1111Parameters
{
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
        var pairs = lastLine.Length <= InputLimits.Default.MaxSettingsLineChars ? ParamPairs(lastLine) : [];
        if (pairs.Count < 3)
        {
            promptLines = lines.AsSpan();
            lastLine = "";
            pairs = [];
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
        foreach (var (rawKey, rawValue) in pairs)
        {
            var key = rawKey.Trim();
            var value = rawValue.Trim();
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
        return lastLine.Length <= InputLimits.Default.MaxSettingsLineChars
            && lastLine.Contains("Steps:", StringComparison.Ordinal) && ParamPairs(lastLine).Count >= 3;
    }

    /// <summary>
    /// The key/value pairs of a settings line, exactly as webui's <c>re_param_code</c>
    /// (<c>\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)</c>) finds them with <c>finditer</c>, but in one
    /// pass: the regex backtracks through every start inside a long run of key characters, which is quadratic
    /// ("a"×320000 took over a minute).
    /// </summary>
    /// <remarks>
    /// A key is a word character and at least one more key character (word, space, '-', '/'), ended by ':'. Since
    /// ':' is not a key character, every start inside one run of key characters meets the same end, so a run
    /// that does not end in ':' is skipped whole. A value is a JSON-quoted string followed by ',' or the end,
    /// otherwise everything up to the next comma.
    /// </remarks>
    internal static List<(string Key, string Value)> ParamPairs(string line)
    {
        var pairs = new List<(string, string)>();
        var n = line.Length;
        var p = 0;
        while (p < n)
        {
            var q = p;
            while (q < n && char.IsWhiteSpace(line[q])) q++;
            if (q >= n) break;
            if (!IsWord(line[q]))
            {
                p = q + 1;
                continue;
            }
            var e = q + 1;
            while (e < n && IsKeyChar(line[e])) e++;
            if (e >= n || line[e] != ':' || e - q < 2)
            {
                p = e;
                continue;
            }
            var key = line[q..e];
            var v = e + 1;
            while (v < n && char.IsWhiteSpace(line[v])) v++;
            if (QuotedEnd(line, v) is { } close && (close + 1 == n || line[close + 1] == ','))
            {
                pairs.Add((key, line[v..(close + 1)]));
                p = close + 2;
                continue;
            }
            var comma = line.IndexOf(',', v);
            pairs.Add((key, line[v..(comma < 0 ? n : comma)]));
            p = comma < 0 ? n : comma + 1;
        }
        return pairs;
    }

    // Index of the closing quote of "(?:\\.|[^\\"])+" starting at start, or null.
    private static int? QuotedEnd(string line, int start)
    {
        if (start >= line.Length || line[start] != '"') return null;
        var k = start + 1;
        while (k < line.Length)
        {
            if (line[k] == '\\')
            {
                if (k + 1 >= line.Length || line[k + 1] == '\n') return null; // '.' needs a character, not a newline
                k += 2;
            }
            else if (line[k] == '"')
            {
                break;
            }
            else
            {
                k++;
            }
        }
        return k < line.Length && k > start + 1 ? k : null;
    }

    // .NET's \w: letters, non-spacing marks, decimal digits and connector punctuation.
    private static bool IsWord(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };

    private static bool IsKeyChar(char c) => c is ' ' or '-' or '/' || IsWord(c);

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
