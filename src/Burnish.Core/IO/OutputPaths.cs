namespace Burnish.IO;

/// <summary>Keeps outputs inside their output folder, whatever the input was called.</summary>
public static class OutputPaths
{
    /// <summary>The name outputs get for an input whose stem is empty or only dots (".png", "..png").</summary>
    public const string UnnamedStem = "unnamed";

    /// <summary>
    /// <paramref name="stem"/>, or <see cref="UnnamedStem"/> where it would not name a file of its own: an input
    /// named <c>.png</c> has an empty stem, so <c>-o P/out</c> wrote <c>P/out.master.png</c> beside the folder, and
    /// a stem of <c>..</c> would climb out of it.
    /// </summary>
    public static string SafeStem(string stem) =>
        stem.Trim().Trim('.').Length == 0 || stem.IndexOfAny(['/', '\\']) >= 0 ? UnnamedStem : stem;

    /// <summary>True when <paramref name="path"/> lies strictly inside <paramref name="outputDir"/> (after resolving . and ..).</summary>
    public static bool IsInside(string outputDir, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDir)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>Throws <see cref="OutputException"/> unless <paramref name="path"/> lies inside <paramref name="outputDir"/>.</summary>
    public static void EnsureInside(string outputDir, string path)
    {
        if (!IsInside(outputDir, path))
            throw new OutputException(path, $"would be written outside the output folder {PathText.Show(outputDir)}; refusing it");
    }
}
