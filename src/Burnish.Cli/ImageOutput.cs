namespace Burnish.Cli;

/// <summary>Command-line values as recipe text. The output file itself is the core's (<see cref="Pipeline.OutputKind"/>).</summary>
public static class ImageOutput
{
    /// <summary>A YAML single-quoted scalar, for turning command-line values into recipe keys.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
