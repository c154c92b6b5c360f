using System.Diagnostics;
using System.Text.RegularExpressions;
using Burnish.Cli.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Burnish.Cli.Tests;

/// <summary>A batch killed with SIGKILL part-way through, then run again with <c>--resume</c>.</summary>
public sealed class ResumeTests(ITestOutputHelper log) : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private static readonly string[] Names = ["img_a", "img_b", "img_c", "img_d", "img_e", "img_f"];

    [Fact]
    public async Task ResumeAfterKillFinishesTheRestAndSkipsWhatWasDone()
    {
        foreach (var name in Names) ws.Copy(Fixtures.ComfyUi, name + ".png", folder: "in");
        var inDir = ws.PathOf("in");
        var outDir = ws.PathOf("out");
        // A 1536 px lossless copy makes each image take a noticeable moment (about half a second), so the kill lands mid-batch.
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(longEdge: 1536, copyName: "big"));
        string[] args = ["finish", inDir, "-r", recipe, "-o", outDir, "-j", "1"];

        using (var first = CliProcess.Start(ws.Root, args))
        {
            var drainOut = first.StandardOutput.ReadToEndAsync();
            var drainErr = first.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!first.HasExited && !(Directory.Exists(outDir) && Directory.EnumerateFiles(outDir, "*.burnish.json").Any()))
            {
                Assert.True(clock.Elapsed < CliProcess.DefaultTimeout, "no sidecar appeared before the timeout");
                await Task.Delay(5);
            }
            // Then, if it can be caught, while the next image is being written: the kill then leaves a temp file behind.
            var writing = Stopwatch.StartNew();
            while (!first.HasExited && writing.Elapsed < TimeSpan.FromSeconds(3)
                   && !Directory.EnumerateFiles(outDir).Any(f => f.Contains(".burnish-tmp", StringComparison.Ordinal)))
                await Task.Delay(2);
            if (first.HasExited) Assert.Fail($"the batch ended before it could be killed: {await drainOut}{await drainErr}");
            first.Kill(entireProcessTree: true); // SIGKILL: no cleanup code runs
            await first.WaitForExitAsync();
        }

        var done = Names.Where(n => File.Exists(Path.Combine(outDir, n + ".burnish.json"))).ToList();
        log.WriteLine($"killed with {done.Count} of {Names.Length} finished; left behind: {string.Join(", ", Workspace.FilesUnder(outDir))}");
        Assert.NotEmpty(done);
        Assert.True(done.Count < Names.Length, "every image finished before the kill; the test proves nothing");
        var doneMasters = done.ToDictionary(n => n, n =>
        {
            var master = Path.Combine(outDir, n + ".master.png");
            return (Hash: Workspace.Sha256(master), Time: File.GetLastWriteTimeUtc(master));
        });

        var resumed = ws.Burnish([.. args, "--resume"]);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"{Names.Length - done.Count} finished, {done.Count} skipped, 0 failed", resumed.Stdout);
        foreach (var n in Names)
        {
            var verb = done.Contains(n) ? "skipped" : "finished";
            Assert.Matches(new Regex($@"^\[\d/6\] {verb} .*{n}\.png: ", RegexOptions.Multiline), resumed.Stdout);
            var sidecar = Sidecar.Read(Path.Combine(outDir, n + ".burnish.json"));
            sidecar.AssertMatchesDisk();
            foreach (var file in sidecar.Outputs) Pixels.DecodeFully(sidecar.FullPath(file));
        }
        foreach (var (n, (hash, time)) in doneMasters)
        {
            var master = Path.Combine(outDir, n + ".master.png");
            Assert.Equal(hash, Workspace.Sha256(master));
            Assert.Equal(time, File.GetLastWriteTimeUtc(master));
        }
        // Exactly one set per image: no temp files, no NAME-1.* duplicates, nothing else.
        Workspace.AssertNoTempFiles(outDir);
        var expected = Names.SelectMany(n => new[] { $"{n}.big.png", $"{n}.burnish.json", $"{n}.master.png" }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Workspace.FilesUnder(outDir));
    }
}
