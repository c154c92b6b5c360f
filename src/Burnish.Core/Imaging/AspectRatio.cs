using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Burnish.Schema;

namespace Burnish.Imaging;

/// <summary>
/// A target aspect ratio written W:H (16:9, 4:5, 1:1, 1.91:1). Both sides are positive; ratios beyond 10:1 either way
/// are refused, since no outpaint that far keeps any of the original composition. A typed value: recipes and
/// <c>--aspect</c> both read it with <see cref="TryParse(string?, out AspectRatio, out string)"/>.
/// </summary>
[JsonConverter(typeof(TextValueJsonConverter<AspectRatio>))]
public readonly partial record struct AspectRatio : ITextValue<AspectRatio>
{
    /// <summary>The widest (or, inverted, tallest) ratio accepted.</summary>
    public const double MaxRatio = 10;

    private AspectRatio(double width, double height, string text) => (Width, Height, Text) = (width, height, text);

    public double Width { get; }
    public double Height { get; }

    /// <summary>As written, trimmed ("16:9").</summary>
    public string Text { get; }

    /// <summary>Width over height.</summary>
    public double Ratio => Width / Height;

    /// <summary>The ratio in a file name: "16x9" (the colon is not allowed in Windows file names).</summary>
    public string FileTag => Text.Replace(':', 'x');

    public override string ToString() => Text;

    /// <summary>Parses "W:H"; throws <see cref="BurnishException"/> saying what is wrong.</summary>
    public static AspectRatio Parse(string? text) =>
        TryParse(text, out var aspect, out var problem) ? aspect : throw new BurnishException(problem);

    /// <summary>Parses "W:H" (whole or decimal numbers); on failure <paramref name="problem"/> is one line for a person.</summary>
    public static bool TryParse(string? text, out AspectRatio aspect, out string problem)
    {
        aspect = default;
        problem = "";
        var trimmed = text?.Trim() ?? "";
        var match = Pattern().Match(trimmed);
        if (!match.Success)
        {
            problem = trimmed.Length == 0
                ? "an aspect ratio is needed, written W:H such as 16:9"
                : $"'{trimmed}' is not an aspect ratio; write it as W:H with a colon, such as 16:9, 4:5 or 1.91:1";
            return false;
        }
        var w = double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var h = double.Parse(match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (w <= 0 || h <= 0)
        {
            problem = $"'{trimmed}': both sides of an aspect ratio must be greater than 0";
            return false;
        }
        if (w / h > MaxRatio || h / w > MaxRatio)
        {
            problem = $"'{trimmed}' is too extreme: outpaint goes up to 10:1 (or 1:10)";
            return false;
        }
        aspect = new AspectRatio(w, h, $"{match.Groups[1].Value}:{match.Groups[2].Value}");
        return true;
    }

    /// <summary>
    /// The smallest canvas of this ratio that holds a <paramref name="width"/>×<paramref name="height"/> image without
    /// cropping it: one side stays, the other grows to the nearest whole pixel. The image's own size when its ratio is
    /// already this one (to the pixel).
    /// </summary>
    public (int Width, int Height) Canvas(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((double)width / height < Ratio)
        {
            var grown = (long)Math.Round(height * Ratio, MidpointRounding.AwayFromZero);
            return (grown > width ? checked((int)grown) : width, height);
        }
        var taller = (long)Math.Round(width / Ratio, MidpointRounding.AwayFromZero);
        return (width, taller > height ? checked((int)taller) : height);
    }

    [GeneratedRegex(@"^(\d{1,5}(?:\.\d{1,4})?)\s*:\s*(\d{1,5}(?:\.\d{1,4})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
