using System.Diagnostics;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>What one run of the CLI did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string AllOutput => Stdout + Stderr;

    /// <summary>Every non-empty line, stdout then stderr, minus libvips' own warnings (its chatter, not Burnish's report).</summary>
    public IReadOnlyList<string> Lines => AllOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => !l.Contains("VIPS-WARNING", StringComparison.Ordinal) && !l.StartsWith("(process:", StringComparison.Ordinal))
        .ToList();

    /// <summary>The entries of the failure list that <c>finish</c> prints on stderr after "Failures:".</summary>
    public IReadOnlyList<string> FailureList => Stderr.Split('\n')
        .SkipWhile(l => l.TrimEnd() != "Failures:").Skip(1)
        .Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real <c>burnish</c> CLI (the burnish.dll that the project reference copies beside the tests) as a process.</summary>
public static class CliProcess
{
    /// <summary>Long enough for the slowest test (A3 copies) on a busy 2-core machine; a hang still fails the test.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "burnish.dll");

    /// <summary>One model cache for every test run: $BURNISH_MODELS, else the repository's .build/models.</summary>
    public static string ModelsDir { get; } = Environment.GetEnvironmentVariable("BURNISH_MODELS") is { Length: > 0 } r ? r : RepoModels();

    private static string RepoModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return Path.Combine(dir.FullName, ".build", "models");
        return Path.Combine(Path.GetTempPath(), "burnish-tests", ".build", "models");
    }

    private static string DotnetHost()
    {
        // `dotnet test` tells child processes which host it runs on; fall back to our own host, then to PATH.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    /// <summary>Starts <c>dotnet burnish.dll ARGS</c> in <paramref name="workingDir"/> with stdout and stderr redirected.</summary>
    public static Process Start(string workingDir, params string[] args) => Start(workingDir, null, args);

    /// <summary>As <see cref="Start(string, string[])"/>, with extra environment variables for the child.</summary>
    public static Process Start(string workingDir, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"burnish.dll not found next to the tests at {Dll}");
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        info.Environment["BURNISH_MODELS"] = ModelsDir;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Runs the CLI to completion and captures everything it printed.</summary>
    public static CliResult Run(string workingDir, params string[] args) => Run(workingDir, DefaultTimeout, args);

    public static CliResult Run(string workingDir, TimeSpan timeout, params string[] args) => Run(workingDir, timeout, null, args);

    /// <summary>Runs the CLI with extra environment variables (for example DOTNET_PROCESSOR_COUNT).</summary>
    public static CliResult Run(string workingDir, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingDir, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"burnish {string.Join(' ', args)} did not finish within {timeout}:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit(); // drains the redirected streams
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
