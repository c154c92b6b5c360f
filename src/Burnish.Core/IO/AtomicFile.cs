using System.Diagnostics;
using System.Globalization;

namespace Burnish.IO;

/// <summary>
/// Single-file atomic writes. A file is written under a temporary name in the same folder and renamed into place,
/// so a crash never leaves a half-written file under its final name. Temp names start with '.' and hold <see cref="TempMarker"/>.
/// </summary>
public static class AtomicFile
{
    public const string TempMarker = ".burnish-tmp";

    // Temp names carry their owner's process id just before the marker: ".NAME.GUID-pPID.burnish-tmp.EXT".
    private const string OwnerTag = "-p";

    /// <summary>Temp files whose owner cannot be told (no process id in the name) are swept once this old.</summary>
    public static TimeSpan UnownedStaleAfter { get; } = TimeSpan.FromHours(1);

    /// <summary>A temp name beside <paramref name="finalPath"/>, owned by this process.</summary>
    public static string TempPathFor(string finalPath)
    {
        var dir = Path.GetDirectoryName(finalPath)!;
        return Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(finalPath)}.{Guid.NewGuid().ToString("N")[..8]}{OwnerTag}{Environment.ProcessId}{TempMarker}{Path.GetExtension(finalPath)}");
    }

    /// <summary>The process id recorded in a temp name, or null when the name records none.</summary>
    internal static int? Owner(string tempName)
    {
        var marker = tempName.IndexOf(TempMarker, StringComparison.Ordinal);
        if (marker < 0) return null;
        var tag = tempName.LastIndexOf(OwnerTag, marker, StringComparison.Ordinal);
        if (tag < 0) return null;
        return int.TryParse(tempName.AsSpan(tag + OwnerTag.Length, marker - tag - OwnerTag.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes, bool overwrite)
    {
        using var transaction = new OutputTransaction(overwrite);
        transaction.StageBytes(path, bytes);
        transaction.Commit(CancellationToken.None);
    }

    /// <summary>
    /// Puts the finished folder <paramref name="staging"/> at <paramref name="dir"/>: an old one is first moved aside
    /// (beside it, so the move is a rename) and deleted, so readers see the old folder or the new, never a half.
    /// </summary>
    public static void ReplaceDirectory(string staging, string dir)
    {
        if (Directory.Exists(dir))
        {
            var old = $"{dir}.old-{Guid.NewGuid().ToString("N")[..8]}";
            Directory.Move(dir, old);
            Directory.Delete(old, recursive: true);
        }
        Directory.Move(staging, dir);
    }

    /// <summary>
    /// Removes the temp files that a killed run left in <paramref name="dir"/> and its subfolders: those whose owner
    /// process is gone, and those with no recorded owner older than <see cref="UnownedStaleAfter"/>. A run writing
    /// into the same folder at the same time keeps its in-flight files.
    /// </summary>
    public static int SweepStale(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        var n = 0;
        var now = DateTime.UtcNow;
        foreach (var f in Directory.EnumerateFiles(dir, "*" + TempMarker + "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(f);
            if (!name.StartsWith('.')) continue;
            var stale = Owner(name) is { } pid
                ? !IsAlive(pid)
                : now - File.GetLastWriteTimeUtc(f) > UnownedStaleAfter;
            if (!stale) continue;
            try
            {
                File.Delete(f);
                n++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Renamed into place or removed by its owner meanwhile, or not ours to delete: not stale after all.
            }
        }
        return n;
    }
}
