using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Lenient readers over <see cref="JsonElement"/>: generators are inconsistent about numbers
/// (Fooocus writes the seed as a string, ComfyUI writes integers as 8.0), so every getter accepts both.
/// </summary>
internal static class JsonValues
{
    /// <summary>
    /// Parses a JSON object, or returns <see langword="null"/>. Python's <c>json.dumps</c> (ComfyUI, Fooocus)
    /// emits bare <c>NaN</c>/<c>Infinity</c>, which System.Text.Json rejects, so a failed parse is retried
    /// with those tokens replaced by <c>null</c>.
    /// </summary>
    public static JsonDocument? ParseObject(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{')
            return null;
        var doc = TryParse(text) ?? TryParse(ReplaceNonFiniteTokens(text));
        if (doc is not null && doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            return null;
        }
        return doc;
    }

    private static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ReplaceNonFiniteTokens(string text)
    {
        var sb = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                    sb.Append(text[++i]);
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                sb.Append(c);
                continue;
            }
            var rest = text.AsSpan(i);
            var token = rest.StartsWith("-Infinity") ? 9 : rest.StartsWith("Infinity") ? 8 : rest.StartsWith("NaN") ? 3 : 0;
            if (token > 0)
            {
                sb.Append("null");
                i += token - 1;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    public static JsonElement? Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string? Str(this JsonElement e, string name) => e.Prop(name) is { } v ? AsString(v) : null;

    public static long? Long(this JsonElement e, string name) => e.Prop(name) is { } v ? AsLong(v) : null;

    public static int? Int(this JsonElement e, string name) => e.Prop(name) is { } v ? AsInt(v) : null;

    public static double? Double(this JsonElement e, string name) => e.Prop(name) is { } v ? AsDouble(v) : null;

    /// <summary>String values as is, numbers and booleans as their JSON text; objects and arrays give null.</summary>
    public static string? AsString(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static long? AsLong(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l))
                return l;
            if (v.TryGetDouble(out var d) && Math.Abs(d) < 9.2e18 && d == Math.Floor(d))
                return (long)d;
            return null;
        }
        if (v.ValueKind == JsonValueKind.String)
            return ParseLong(v.GetString());
        return null;
    }

    public static int? AsInt(JsonElement v) =>
        AsLong(v) is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    public static double? AsDouble(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number)
            return v.TryGetDouble(out var d) ? d : null;
        if (v.ValueKind == JsonValueKind.String)
            return ParseDouble(v.GetString());
        return null;
    }

    public static long? ParseLong(string? s)
    {
        if (s is null)
            return null;
        s = s.Trim();
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            return l;
        // "8.0" style integers.
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && Math.Abs(d) < 9.2e18 && d == Math.Floor(d))
            return (long)d;
        return null;
    }

    public static int? ParseInt(string? s) =>
        ParseLong(s) is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    public static double? ParseDouble(string? s) =>
        s is not null && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : null;

    /// <summary>Empty or whitespace-only prompts count as "no prompt".</summary>
    public static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>
    /// Copies the remaining non-empty scalar properties of <paramref name="obj"/> into <paramref name="extra"/>;
    /// nested objects contribute their model name when they are model references (InvokeAI "vae": {"model_name": ...}).
    /// </summary>
    public static void CopyScalars(JsonElement obj, IDictionary<string, string> extra, ISet<string> skip)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            return;
        foreach (var p in obj.EnumerateObject())
        {
            if (skip.Contains(p.Name) || extra.ContainsKey(p.Name))
                continue;
            var value = p.Value.ValueKind == JsonValueKind.Object
                ? p.Value.Str("model_name") ?? p.Value.Str("name")
                : AsString(p.Value);
            if (!string.IsNullOrEmpty(value))
                extra[p.Name] = value;
        }
    }
}
