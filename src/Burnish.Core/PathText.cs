using System.Text;

namespace Burnish;

/// <summary>File names as one-line messages show them: a name holding a newline or other control character is quoted and escaped.</summary>
public static class PathText
{
    public static string Show(string path)
    {
        if (!path.Any(char.IsControl)) return path;
        var sb = new StringBuilder("\"");
        foreach (var c in path)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
