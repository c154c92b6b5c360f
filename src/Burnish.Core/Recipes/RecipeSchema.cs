namespace Burnish.Recipes;

/// <summary>
/// One thing wrong with a recipe, located in its file; or, for a key given on the command line, named by where the
/// user wrote it (<see cref="File"/> is then "option --tile" or "--set grade.exposure=9", Line 0), or by nothing ("").
/// </summary>
public sealed record RecipeProblem(string File, int Line, int Column, string Message)
{
    // Line 0: the problem is with the file or setting as a whole (not found, unreadable), which has no position.
    public override string ToString() =>
        File.Length == 0 ? Message : Line == 0 ? $"{PathText.Show(File)}: {Message}" : $"{PathText.Show(File)}:{Line}:{Column}: {Message}";
}

/// <summary>A recipe that failed validation; every problem is listed (one per line, or on one line for command-line settings).</summary>
public sealed class RecipeException(IReadOnlyList<RecipeProblem> problems, bool oneLine = false)
    : BurnishException(problems.Count == 1 ? problems[0].ToString()
        : oneLine ? string.Join("; ", problems) : $"{problems.Count} problems in recipe:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<RecipeProblem> Problems { get; } = problems;
}
