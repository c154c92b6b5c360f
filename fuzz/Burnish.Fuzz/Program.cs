using System.Globalization;
using Burnish.Fuzz;
using SharpFuzz;

// burnish-fuzz list
// burnish-fuzz smoke [TARGET|all] [--seed N] [--iterations K] [--corpus DIR] [--save DIR]   in-process, fixed seed (no instrumentation)
// burnish-fuzz afl TARGET                                                     under afl-fuzz, with Burnish.Core.dll instrumented by `sharpfuzz`
// burnish-fuzz libfuzzer TARGET                                               under libfuzzer-dotnet
// burnish-fuzz replay TARGET FILE...                                           each file once: ok, refused (and why), or a finding's exception
// libvips prints a warning for every broken image the hald target is fed; set before libvips starts.
Environment.SetEnvironmentVariable("VIPS_WARNING", "0");
var command = args.Length > 0 ? args[0] : "list";
switch (command)
{
    case "list":
        foreach (var t in FuzzTargets.All) Console.WriteLine(t.Name);
        return 0;
    case "afl":
    {
        var target = FuzzTargets.Find(args[1]);
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            Feed(target, buffer.ToArray());
        });
        return 0;
    }
    case "libfuzzer":
    {
        var target = FuzzTargets.Find(args[1]);
        Fuzzer.LibFuzzer.Run(span => Feed(target, span.ToArray()));
        return 0;
    }
    case "replay":
    {
        var target = FuzzTargets.Find(args[1]);
        var failed = false;
        foreach (var file in args.Skip(2))
        {
            var input = File.ReadAllBytes(file);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string outcome;
            try
            {
                target.Run(input);
                outcome = "ok";
            }
            catch (Exception e) when (target.IsExpected(e))
            {
                outcome = $"refused: {e.Message.Split('\n')[0]}";
            }
            catch (Exception e)
            {
                outcome = $"{e.GetType().Name}: {e.Message.Split('\n')[0]}\n{e.StackTrace?.Split('\n').Take(6).Aggregate((a, b) => a + "\n" + b)}";
                failed = true;
            }
            Console.WriteLine($"{Path.GetFileName(file)}  {clock.Elapsed.TotalMilliseconds:F1} ms  {outcome}");
        }
        return failed ? 1 : 0;
    }
    case "smoke":
    {
        var name = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "all";
        string? Option(string key) => Array.IndexOf(args, key) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
        var iterations = int.Parse(Option("--iterations") ?? "10000", CultureInfo.InvariantCulture);
        var root = RepositoryRoot() ?? throw new InvalidOperationException("run from inside the Burnish checkout");
        var targets = name == "all" ? FuzzTargets.All : [FuzzTargets.Find(name)];
        var failed = false;
        Console.WriteLine("target              seeds   execs   execs/s  slowest ms  findings");
        foreach (var target in targets)
        {
            var result = SmokeRun.Run(target, SmokeRun.Corpus(target, root, Option("--corpus")), seed, iterations);
            Console.WriteLine($"{result.Target,-18} {result.Seeds,6} {result.Executions,7} {result.ExecutionsPerSecond,9:F0} {result.SlowestMs,11:F1} {result.Findings.Count,9}");
            if (Option("--save") is { } save)
            {
                Directory.CreateDirectory(save);
                for (var i = 0; i < result.Findings.Count; i++) File.WriteAllBytes(Path.Combine(save, $"{target.Name}-{seed}-{i}.bin"), result.Findings[i].Input);
            }
            foreach (var f in result.Findings.Take(5))
                Console.WriteLine($"  {f.Exception}: {f.Message.Split('\n')[0]}  input: {Convert.ToBase64String(f.Input.AsSpan(0, Math.Min(f.Input.Length, 256)))}");
            // Over a second on one input is a hang by the issue's definition.
            failed |= result.Findings.Count > 0 || result.SlowestMs > 1000;
        }
        return failed ? 1 : 0;
    }
    default:
        Console.Error.WriteLine("usage: burnish-fuzz list | smoke [TARGET|all] [--seed N] [--iterations K] [--corpus DIR] [--save DIR] | afl TARGET | libfuzzer TARGET | replay TARGET FILE...");
        return 2;
}

// Under a fuzzer, a clean refusal is not a crash; anything else propagates and is reported as one.
static void Feed(FuzzTarget target, byte[] input)
{
    try
    {
        target.Run(input);
    }
    catch (Exception e) when (target.IsExpected(e))
    {
    }
}

static string? RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return dir.FullName;
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return dir.FullName;
    return null;
}
