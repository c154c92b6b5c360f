using System.Text.RegularExpressions;

namespace Burnish.Core.Tests.Architecture;

/// <summary>
/// Every parallel loop over one image's pixels is bounded by that image's thread budget (<c>ImageThreads</c>). An
/// unbounded loop took any free pool thread, and with two images running, one image's loops inside libvips callbacks
/// waited for pool threads the other held blocked in libvips: two service workers kept 1.07 cores busy.
/// </summary>
public sealed partial class ParallelLoopTests
{
    // Options made elsewhere: the thread budget itself, and the batch's images at once (bounded by -j / workers).
    private static readonly string[] OwnOptions = ["Imaging/ImageThreads.cs", "Pipeline/Batch.cs"];

    [Fact]
    public void Every_parallel_loop_takes_the_images_thread_budget()
    {
        var root = Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("the tests run from a checkout");
        var core = Path.Combine(root, "src", "Burnish.Core");
        var problems = new List<string>();
        var loops = 0;
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            var relative = Path.GetRelativePath(core, file).Replace('\\', '/');
            var text = File.ReadAllText(file);
            if (!OwnOptions.Contains(relative) && text.Contains("new ParallelOptions"))
                problems.Add($"{relative}: makes its own ParallelOptions; take ImageThreads.Options(cancel)");
            foreach (Match loop in Loop().Matches(text))
            {
                loops++;
                if (!Bounded().IsMatch(loop.Groups["args"].Value))
                    problems.Add($"{relative}:{text[..loop.Index].Count(c => c == '\n') + 1}: {loop.Value.Trim()}… has no ImageThreads options");
            }
        }
        Assert.True(loops > 30, $"found only {loops} parallel loops under {core}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_check_sees_an_unbounded_loop()
    {
        Assert.DoesNotMatch(Bounded(), Loop().Match("Parallel.For(0, n, () => new float[8], (y, _, s) => s);").Groups["args"].Value);
        Assert.Matches(Bounded(), Loop().Match("Parallel.For(0, n, ImageThreads.Options(cancel), y => Row(y));").Groups["args"].Value);
    }

    // The arguments of a parallel loop up to its body (the first lambda arrow).
    [GeneratedRegex(@"Parallel\.(?:For|ForEach|ForEachAsync)\((?<args>[^;]*?)=>")]
    private static partial Regex Loop();

    // ImageThreads' options, or a variable holding them (the names the sources use).
    [GeneratedRegex(@"ImageThreads\.Options\(|\b(?:options|parallel)\b")]
    private static partial Regex Bounded();
}
