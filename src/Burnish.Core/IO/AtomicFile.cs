namespace Burnish.IO;

/// <summary>
/// Single-file atomic writes. A file is written under a temporary name in the same folder and renamed into place,
/// so a crash never leaves a half-written file under its final name. Temp names start with '.' and hold <see cref="TempMarker"/>.
/// </summary>
public static class AtomicFile
{
    public const string TempMarker = ".burnish-tmp";

    public static void WriteAllBytes(string path, byte[] bytes, bool overwrite)
    {
        using var transaction = new OutputTransaction(overwrite);
        transaction.StageBytes(path, bytes);
        transaction.Commit(CancellationToken.None);
    }

    /// <summary>Removes the temp files that a killed run left in <paramref name="dir"/> and its subfolders.</summary>
    public static int SweepStale(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        var n = 0;
        foreach (var f in Directory.EnumerateFiles(dir, "*" + TempMarker + "*", SearchOption.AllDirectories))
        {
            if (!Path.GetFileName(f).StartsWith('.')) continue;
            File.Delete(f);
            n++;
        }
        return n;
    }
}
