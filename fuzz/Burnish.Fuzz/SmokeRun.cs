using System.Diagnostics;

namespace Burnish.Fuzz;

/// <summary>An input that made a target throw something other than a clean refusal.</summary>
public sealed record Finding(string Target, string Exception, string Message, byte[] Input);

/// <summary>What one smoke run of one target did.</summary>
public sealed record SmokeResult(string Target, int Seeds, int Executions, double Seconds, double SlowestMs, IReadOnlyList<Finding> Findings)
{
    public double ExecutionsPerSecond => Seconds > 0 ? Executions / Seconds : 0;
}

/// <summary>
/// The in-process smoke run: every seed once, then mutations of them from a fixed seed. Without coverage feedback it is
/// far weaker than AFL or libFuzzer; it keeps the targets wired and catches regressions of the classes already found.
/// </summary>
public static class SmokeRun
{
    /// <summary>Seed files of <paramref name="target"/> under <paramref name="repositoryRoot"/>, in a fixed order.</summary>
    public static IReadOnlyList<byte[]> Corpus(FuzzTarget target, string repositoryRoot, string? extraDir = null)
    {
        var files = new List<string>();
        foreach (var glob in target.Seeds)
        {
            var dir = Path.Combine(repositoryRoot, Path.GetDirectoryName(glob)!);
            if (Directory.Exists(dir)) files.AddRange(Directory.EnumerateFiles(dir, Path.GetFileName(glob)));
        }
        if (extraDir is not null && Directory.Exists(extraDir)) files.AddRange(Directory.EnumerateFiles(extraDir, "*", SearchOption.AllDirectories));
        // Seeds are kept small: a mutation run gains nothing from megabytes of pixels.
        return [.. files.Order(StringComparer.Ordinal).Select(File.ReadAllBytes).Where(b => b.Length <= 1 << 20), .. (byte[][])[[]]];
    }

    public static SmokeResult Run(FuzzTarget target, IReadOnlyList<byte[]> corpus, int seed, int iterations)
    {
        var mutator = new Mutator(seed);
        var random = new Random(seed);
        var findings = new List<Finding>();
        var clock = Stopwatch.StartNew();
        var slowest = 0.0;
        var executions = 0;

        void Feed(byte[] input)
        {
            var start = clock.Elapsed.TotalMilliseconds;
            try
            {
                target.Run(input);
            }
            catch (Exception e) when (!target.IsExpected(e))
            {
                findings.Add(new Finding(target.Name, e.GetType().FullName!, e.Message, input));
            }
            catch (Exception)
            {
                // A clean refusal.
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds - start);
            executions++;
        }

        foreach (var input in corpus) Feed(input);
        for (var i = 0; i < iterations; i++)
            Feed(mutator.Mutate(corpus[random.Next(corpus.Count)], corpus));
        return new SmokeResult(target.Name, corpus.Count, executions, clock.Elapsed.TotalSeconds, slowest, findings);
    }
}
