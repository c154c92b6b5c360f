namespace Burnish.Recipes;

/// <summary>One thing wrong with a recipe, located in its file.</summary>
public sealed record RecipeProblem(string File, int Line, int Column, string Message)
{
    // Line 0: the problem is with the file as a whole (not found, unreadable), which has no position.
    public override string ToString() => Line == 0 ? $"{PathText.Show(File)}: {Message}" : $"{PathText.Show(File)}:{Line}:{Column}: {Message}";
}

/// <summary>A recipe that failed validation; every problem is listed.</summary>
public sealed class RecipeException(IReadOnlyList<RecipeProblem> problems)
    : BurnishException(problems.Count == 1 ? problems[0].ToString() : $"{problems.Count} problems in recipe:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<RecipeProblem> Problems { get; } = problems;
}
