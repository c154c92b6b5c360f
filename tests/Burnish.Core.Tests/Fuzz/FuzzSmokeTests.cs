using Burnish.Fuzz;

namespace Burnish.Core.Tests.Fuzz;

/// <summary>
/// The fuzz smoke run (fuzz/Burnish.Fuzz): every target's seeds, then a fixed-seed run of mutations, with no exception
/// other than a clean refusal. Short and deterministic; the long coverage-guided runs go through AFL or libFuzzer
/// (fuzz/README.md). Time per input is reported by the harness's command line, not asserted here.
/// </summary>
public class FuzzSmokeTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Fixed_seed_smoke_run_finds_nothing(string name)
    {
        var target = FuzzTargets.Find(name);
        var corpus = SmokeRun.Corpus(target, Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("tests run outside the checkout"));
        Assert.True(corpus.Count > 1, $"{name}: no seed files found");

        var result = SmokeRun.Run(target, corpus, seed: 1, iterations: 1500);

        Assert.Equal(corpus.Count + 1500, result.Executions);
        Assert.True(result.Findings.Count == 0,
            string.Join("\n", result.Findings.Take(3).Select(f => $"{f.Exception}: {f.Message} (input {Convert.ToBase64String(f.Input)})")));
    }

    [Fact]
    public void Mutator_repeats_exactly_from_its_seed()
    {
        byte[][] corpus = ["version: 1\nexport: {}\n"u8.ToArray(), "LUT_3D_SIZE 2\n0 0 0\n"u8.ToArray()];
        var a = new Mutator(7);
        var b = new Mutator(7);

        for (var i = 0; i < 200; i++)
            Assert.Equal(a.Mutate(corpus[i % 2], corpus), b.Mutate(corpus[i % 2], corpus));
    }

    [Fact]
    public void The_stealth_seeds_carry_stealth_encoded_text_in_the_targets_layout()
    {
        // Seeds the decoder refuses at the signature keep a run out of everything past it (34 edges in the first hour).
        var seeds = Directory.GetFiles(Path.Combine(Fixtures.RepositoryRoot()!, "fuzz", "seeds", "stealth"), "*.bin");
        Assert.Equal(4, seeds.Length);
        foreach (var seed in seeds)
        {
            var bytes = File.ReadAllBytes(seed);
            int bands = 1 + bytes[0] % 4, width = 1 + bytes[1] % 64;
            var text = Burnish.Imaging.Generation.StealthPnginfo.Decode(bytes.AsSpan(2), width, (bytes.Length - 2) / (width * bands), bands);
            Assert.StartsWith("a cat on a sofa\nSteps: 20", text);
        }
    }
}
