using System.Globalization;
using System.Text.Json.Serialization;
using Burnish.Schema;

namespace Burnish.Imaging;

/// <summary>
/// The edge of a square processing tile in input pixels, 32–4096, or <c>auto</c> (the largest that fits a memory
/// budget, decided by whoever tiles). A typed value: recipes and <c>--tile</c> read it with one parser.
/// </summary>
[JsonConverter(typeof(TextValueJsonConverter<TileSize>))]
public readonly record struct TileSize : ITextValue<TileSize>
{
    public const int Min = 32, Max = 4096;

    private TileSize(int edge) => Edge = edge;

    /// <summary>The tiler chooses.</summary>
    public static TileSize Auto => default;

    /// <summary>A fixed edge; throws when it is out of range.</summary>
    public static TileSize Of(int edge) =>
        TryParse(edge.ToString(CultureInfo.InvariantCulture), out var tile, out var problem) ? tile : throw new ArgumentOutOfRangeException(nameof(edge), problem);

    /// <summary>The explicit edge in pixels, or null for auto.</summary>
    public int? Edge { get; }

    public bool IsAuto => Edge is null;

    public override string ToString() => Edge?.ToString(CultureInfo.InvariantCulture) ?? "auto";

    /// <summary>Parses "auto" or a whole number from 32 to 4096.</summary>
    public static bool TryParse(string? text, out TileSize value, out string problem)
    {
        var t = text?.Trim() ?? "";
        value = Auto;
        problem = "";
        if (t == "auto") return true;
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var edge) && edge is >= Min and <= Max)
        {
            value = new TileSize(edge);
            return true;
        }
        problem = $"tile must be auto or a whole number from {Min} to {Max}, got '{t}'";
        return false;
    }
}
