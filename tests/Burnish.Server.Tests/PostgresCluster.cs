using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Burnish.Server.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb in a temp folder, started on a free loopback port, stopped and deleted on
/// dispose. PostgreSQL refuses to run as root (CI runs as root), so there it runs as the postgres user through runuser.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly string bin;
    private readonly string folder;
    private bool started;

    private PostgresCluster(string bin, string folder, int port) => (this.bin, this.folder, Port) = (bin, folder, port);

    public int Port { get; }

    public string Url => $"postgres://postgres@127.0.0.1:{Port}/postgres";

    /// <summary>Debian's postgresql package puts initdb and pg_ctl in /usr/lib/postgresql/VERSION/bin; null when absent.</summary>
    public static string? BinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl"))).Order().LastOrDefault()
            : null;

    private static bool IsRoot => Environment.UserName == "root";

    public static PostgresCluster Start()
    {
        var bin = BinDirectory() ?? throw new InvalidOperationException("PostgreSQL binaries not found");
        var folder = Directory.CreateTempSubdirectory("burnish-pg-").FullName;
        if (IsRoot) Run("chown", "postgres:postgres", folder);
        var cluster = new PostgresCluster(bin, folder, FreePort());
        try
        {
            cluster.Pg("initdb", "-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            cluster.Pg("pg_ctl", "-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "log"), "-w", "-t", "60",
                "-o", $"-p {cluster.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", "start");
            cluster.started = true;
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (started) Pg("pg_ctl", "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop");
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Pg(string tool, params string[] args) =>
        Run(IsRoot ? "runuser" : Path.Combine(bin, tool), [.. IsRoot ? new[] { "-u", "postgres", "--", Path.Combine(bin, tool) } : [], .. args]);

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {output.Result}{errors.Result}");
    }
}

/// <summary>A fact that needs PostgreSQL's binaries; it is skipped, with the reason, only where they are absent.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.BinDirectory() is null)
            Skip = "PostgreSQL binaries (initdb, pg_ctl) are absent; scripts/prerequisites.sh installs Debian's postgresql package";
    }
}
