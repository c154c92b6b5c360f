using System.Text;

namespace Burnish.Schema;

/// <summary>Maps C# names to recipe spellings: properties to snake_case keys, enum members to kebab-case values.</summary>
public static class Names
{
    public static string Key(string pascal) => Split(pascal, '_');
    public static string EnumValue(string pascal) => Split(pascal, '-');

    public static string EnumValue<T>(T value) where T : struct, Enum => EnumValue(value.ToString());

    private static string Split(string pascal, char sep)
    {
        var b = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            // A new word starts at an upper-case letter after a lower-case one ("DisplayP3" → display-p3, "MaxKb" → max_kb).
            if (i > 0 && char.IsUpper(c) && char.IsLower(pascal[i - 1]))
                b.Append(sep);
            b.Append(char.ToLowerInvariant(c));
        }
        return b.ToString();
    }

    /// <summary>The closest candidate by edit distance, when it is close enough to be a likely typo.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(word, c);
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
