using System.Diagnostics;
using System.Security.Cryptography;

namespace Burnish.Models;

/// <summary>
/// The one writer of a model cache folder at a time, across processes: an exclusive lock file that later comers wait
/// on (saying so once), for up to half an hour, since a first fetch may download and convert for minutes.
/// </summary>
internal static class CacheLock
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public static FileStream Acquire(string dir, IProgress<string>? progress, CancellationToken cancel)
    {
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BurnishException($"{dir}: cannot create the model cache ({e.Message})", e);
        }
        var path = Path.Combine(dir, ".lock");
        var waiting = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix: other processes and other handles wait here.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new BurnishException($"{dir}: the model cache is not writable ({e.Message})", e);
            }
            catch (IOException) when (waiting.Elapsed < Patience)
            {
                if (!told) progress?.Report($"waiting for another process that is filling the model cache at {dir}");
                told = true;
                cancel.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
            }
            catch (IOException e)
            {
                throw new BurnishException($"{path}: still locked by another process after {Patience.TotalMinutes:0} minutes", e);
            }
        }
    }

    /// <summary>The SHA-256 of a file, lower-case hex, as manifests record it.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
