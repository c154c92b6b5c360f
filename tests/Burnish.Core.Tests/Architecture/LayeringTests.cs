using System.Text.RegularExpressions;

namespace Burnish.Core.Tests.Architecture;

/// <summary>
/// Dependencies in Burnish.Core point one way: Report → Pipeline → Recipes → Stages → Synthesis → Metrics / Backends / Detection →
/// Imaging / Models → IO / Schema, and no stage folder imports another stage. Read from the sources' <c>using</c>
/// lines and qualified names, since all layers share one assembly.
/// </summary>
public sealed partial class LayeringTests
{
    // Lower rank is lower in the stack; a folder may use only folders of strictly lower rank, or itself.
    private static readonly Dictionary<string, int> Rank = new()
    {
        [""] = 0, ["Schema"] = 0, ["IO"] = 0,
        ["Imaging"] = 1, ["Models"] = 1,
        ["Metrics"] = 2, ["Backends"] = 2, ["Detection"] = 2,
        ["Synthesis"] = 3,
        ["Stages"] = 4,
        ["Recipes"] = 5,
        ["Pipeline"] = 6,
        ["Report"] = 7,
    };

    [Fact]
    public void EveryImportPointsDownAndNoStageImportsAnother()
    {
        var root = Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("the tests run from a checkout");
        var core = Path.Combine(root, "src", "Burnish.Core");
        var violations = new List<string>();
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.True(files.Count > 100, $"found only {files.Count} sources under {core}");
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (NamespaceLine().Match(text) is not { Success: true } ns) continue;
            var from = Area(ns.Groups[1].Value);
            var targets = UsingLine().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(QualifiedName().Matches(StripCommentsAndStrings(text)).Select(m => m.Groups[1].Value));
            foreach (var target in targets.Distinct())
            {
                var to = Area(target);
                if (to == from || to.Layer == "") continue;
                var relative = Path.GetRelativePath(root, file);
                if (!Rank.TryGetValue(from.Layer, out var fromRank) || !Rank.TryGetValue(to.Layer, out var toRank))
                    violations.Add($"{relative}: {from} → {to}: a folder with no rank (add it to LayeringTests.Rank)");
                else if (from.Layer == "Stages" && to.Layer == "Stages" && from.Stage != "" && to.Stage != "" && from.Stage != to.Stage)
                    violations.Add($"{relative}: stage {from.Stage} imports stage {to.Stage}; move what they share below Stages");
                else if (from.Layer != to.Layer && toRank >= fromRank)
                    violations.Add($"{relative}: {from} → {to} points up or sideways");
            }
        }
        Assert.True(violations.Count == 0, "layering violations:\n" + string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void TheCheckSeesAViolation()
    {
        // The same rules over a made-up pair, so the test above cannot pass by reading nothing.
        Assert.Equal(("Stages", "Grade"), Area("Burnish.Stages.Grade.Lut"));
        Assert.Equal(("Imaging", ""), Area("Burnish.Imaging.Generation"));
        Assert.True(Rank[Area("Burnish.Pipeline").Layer] > Rank[Area("Burnish.Stages.Export").Layer]);
    }

    /// <summary>The layer (first folder under Burnish) and, within Stages, the stage.</summary>
    private static (string Layer, string Stage) Area(string name)
    {
        var parts = name.Split('.');
        if (parts.Length < 2 || parts[0] != "Burnish") return ("", "");
        return parts[1] == "Stages" ? ("Stages", parts.Length > 2 ? parts[2] : "") : (parts[1], "");
    }

    private static string StripCommentsAndStrings(string text) => CommentOrString().Replace(text, "\"\"");

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using\s+(?:static\s+)?(Burnish(?:\.\w+)+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    // A qualified reference such as Burnish.Stages.Upscale.Upscale or Stages.Cleanup.Cleanup inside code.
    [GeneratedRegex(@"(?<![\w.])((?:Burnish\.)?Stages\.[A-Z]\w+|Burnish\.[A-Z]\w+)\.")]
    private static partial Regex QualifiedName();

    // Comments and string literals (resource names such as "Burnish.Profiles.srgb.icc" are not references).
    [GeneratedRegex(@"//.*?$|/\*.*?\*/|@?\$?""(?:[^""\\\n]|\\.)*""", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CommentOrString();
}
