using System.IO.Enumeration;
using Burnish.IO;

namespace Burnish.Pipeline;

/// <summary>One input file and the base name of its outputs, relative to the output folder.</summary>
public sealed record InputItem(string Path, string RelativeBase);

/// <summary>Expands files, folders (recursively) and globs into an ordered, de-duplicated list of images.</summary>
public static class InputSet
{
    public static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".avif", ".gif" };

    /// <summary>
    /// Files are taken as given (whatever their extension, so a bad file gets its own error); folders and globs
    /// contribute image files only, and nothing under <paramref name="outputDir"/>. A missing path is kept so it fails by name.
    /// Symbolic links to folders inside a folder are not followed unless <paramref name="followLinks"/>; either way no
    /// folder is entered twice (see <see cref="Walk"/>).
    /// </summary>
    public static IReadOnlyList<InputItem> Expand(IEnumerable<string> args, string outputDir, bool followLinks = false)
    {
        var output = Path.GetFullPath(outputDir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var items = new List<InputItem>();
        var seen = new HashSet<string>();
        var bases = new HashSet<string>(StringComparer.Ordinal);

        void Add(string file, string relativeBase)
        {
            var full = Path.GetFullPath(file);
            if (!seen.Add(full)) return;
            var unique = relativeBase;
            for (var n = 2; !bases.Add(unique); n++) unique = $"{relativeBase}-{n}";
            items.Add(new InputItem(file, unique));
        }

        bool IsImage(string f) => ImageExtensions.Contains(Path.GetExtension(f)) && !Path.GetFullPath(f).StartsWith(output, StringComparison.Ordinal)
            && !Path.GetFileName(f).StartsWith('.');

        foreach (var arg in args)
        {
            if (Directory.Exists(arg))
            {
                // Everything under the output folder is left out, so this folder would give no images at all.
                if ((Path.TrimEndingDirectorySeparator(Path.GetFullPath(arg)) + Path.DirectorySeparatorChar).StartsWith(output, StringComparison.Ordinal))
                    throw new BurnishException($"{PathText.Show(arg)}: is the output folder or inside it, whose files are never taken as inputs; choose another output folder (-o)");
                foreach (var f in Walk(arg, followLinks).Where(IsImage).Order(StringComparer.Ordinal))
                    Add(f, Stem(Path.GetRelativePath(arg, f)));
            }
            else if (arg.IndexOfAny(['*', '?']) >= 0)
            {
                foreach (var f in Glob(arg, followLinks).Where(IsImage)) Add(f, Stem(Path.GetFileName(f)));
            }
            else
            {
                Add(arg, Stem(Path.GetFileName(arg)));
            }
        }
        return items;
    }

    private static string Stem(string relative) =>
        Path.Combine(Path.GetDirectoryName(relative) ?? "", OutputPaths.SafeStem(Path.GetFileNameWithoutExtension(relative)));

    /// <summary>
    /// Every file under <paramref name="root"/>, each folder entered once. A folder reached again (a link back up,
    /// <c>sub/up -&gt; ..</c>, or a bind mount) is recognised by device and inode, or by its resolved path where those
    /// are not known, and skipped; links to folders are followed only when asked. .NET's own recursive enumeration
    /// follows folder links without loop detection: a loop was finished 41 times into a 40-level tree.
    /// </summary>
    public static IEnumerable<string> Walk(string root, bool followLinks, int? maxDepth = null)
    {
        var limit = maxDepth ?? InputLimits.Default.MaxFolderDepth;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };
        var pending = new Stack<(string Dir, int Depth)>();
        if (seen.Add(FolderKey(root))) pending.Push((root, 0));
        var files = new List<string>();
        while (pending.Count > 0)
        {
            var (dir, depth) = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options))
            {
                var path = Path.Combine(dir, entry.Name);
                if (entry is not DirectoryInfo && FileIdentity.KindOf(path) != FileKind.Directory)
                {
                    files.Add(path);
                    continue;
                }
                if (entry.LinkTarget is not null && !followLinks) continue;
                if (depth + 1 > limit || !seen.Add(FolderKey(path))) continue;
                pending.Push((path, depth + 1));
            }
        }
        return files;
    }

    private static string FolderKey(string dir) =>
        FileIdentity.IdOf(dir) is { } id ? $"{id.Device}:{id.Inode}" : ResolvedPath(dir);

    // Where device and inode are not known: the path with each component's link resolved, from the root down.
    private static string ResolvedPath(string dir)
    {
        var full = Path.GetFullPath(dir);
        var current = Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            current = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
        }
        return current;
    }

    // Supports '*' and '?' in the file name and '**' for "any depth", e.g. renders/**/*.png.
    private static IEnumerable<string> Glob(string pattern, bool followLinks)
    {
        var parts = pattern.Replace('\\', '/').Split('/');
        var firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        var root = firstWild == 0 ? "." : string.Join('/', parts[..firstWild]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var recursive = parts[firstWild..].Contains("**");
        var namePattern = parts[^1];
        var relPattern = string.Join('/', parts[firstWild..]);
        return (recursive ? Walk(root, followLinks) : Directory.EnumerateFiles(root, "*", SearchOption.TopDirectoryOnly))
            .Where(f => recursive
                ? FileSystemName.MatchesSimpleExpression(namePattern, Path.GetFileName(f))
                : FileSystemName.MatchesSimpleExpression(relPattern, Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);
    }
}
