
namespace Burnish;

/// <summary>An expected failure: bad input, a bad recipe, an unwritable destination. Carries one line for the user.</summary>
public class BurnishException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The input image cannot be read or is refused (corrupt, too large, bad profile).</summary>
public sealed class ImageInputException(string path, string problem, Exception? inner = null)
    : BurnishException($"{PathText.Show(path)}: {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>An output cannot be written.</summary>
public sealed class OutputException(string path, string problem, Exception? inner = null)
    : BurnishException($"{PathText.Show(path)}: {problem}", inner);
