using System.Globalization;
using System.Text.Json.Serialization;
using Burnish.Schema;

namespace Burnish.Imaging;

/// <summary>
/// A colour as people write it: sRGB-encoded, "#rrggbb", "#rgb" or a CSS basic name (white, black, grey…). A typed
/// value: a recipe and an option read it with one parser; <see cref="ToString"/> writes its name, else "#rrggbb" (a name
/// needs no quotes in YAML, where an unquoted # starts a comment).
/// </summary>
[JsonConverter(typeof(TextValueJsonConverter<SrgbColour>))]
public readonly record struct SrgbColour(byte R, byte G, byte B) : ITextValue<SrgbColour>
{
    private static readonly Dictionary<string, SrgbColour> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["white"] = new(255, 255, 255), ["black"] = new(0, 0, 0), ["grey"] = new(128, 128, 128), ["gray"] = new(128, 128, 128),
        ["silver"] = new(192, 192, 192), ["red"] = new(255, 0, 0), ["green"] = new(0, 128, 0), ["blue"] = new(0, 0, 255),
        ["yellow"] = new(255, 255, 0),
    };

    public static SrgbColour White { get; } = new(255, 255, 255);

    /// <summary>The sRGB code values, 0–1.</summary>
    public (double R, double G, double B) Encoded => (R / 255.0, G / 255.0, B / 255.0);

    public override string ToString()
    {
        var self = this;
        return Named.FirstOrDefault(n => n.Value == self && n.Key != "gray").Key ?? $"#{R:x2}{G:x2}{B:x2}";
    }

    public static bool TryParse(string? text, out SrgbColour value, out string problem)
    {
        var t = text?.Trim() ?? "";
        problem = "";
        if (Named.TryGetValue(t, out value)) return true;
        var hex = t.StartsWith('#') ? t[1..] : "";
        if (hex.Length == 3) hex = string.Concat(hex.Select(c => $"{c}{c}"));
        if (hex.Length == 6 && int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var rgb))
        {
            value = new SrgbColour((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
            return true;
        }
        // In YAML an unquoted # starts a comment, which leaves the value empty.
        var hint = t.Length == 0 ? " (quote it, \"#rrggbb\": an unquoted # starts a YAML comment)" : "";
        (value, problem) = (default, $"'{t}' is not a colour: write #rrggbb, #rgb or one of {string.Join(", ", Named.Keys)}{hint}");
        return false;
    }
}
