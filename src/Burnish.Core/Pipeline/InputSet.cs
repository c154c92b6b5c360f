using System.IO.Enumeration;

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
    /// </summary>
    public static IReadOnlyList<InputItem> Expand(IEnumerable<string> args, string outputDir)
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
                foreach (var f in Directory.EnumerateFiles(arg, "*", SearchOption.AllDirectories).Where(IsImage).Order(StringComparer.Ordinal))
                    Add(f, Stem(Path.GetRelativePath(arg, f)));
            }
            else if (arg.IndexOfAny(['*', '?']) >= 0)
            {
                foreach (var f in Glob(arg).Where(IsImage)) Add(f, Stem(Path.GetFileName(f)));
            }
            else
            {
                Add(arg, Stem(Path.GetFileName(arg)));
            }
        }
        return items;
    }

    private static string Stem(string relative) => Path.Combine(Path.GetDirectoryName(relative) ?? "", Path.GetFileNameWithoutExtension(relative));

    // Supports '*' and '?' in the file name and '**' for "any depth", e.g. renders/**/*.png.
    private static IEnumerable<string> Glob(string pattern)
    {
        var parts = pattern.Replace('\\', '/').Split('/');
        var firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        var root = firstWild == 0 ? "." : string.Join('/', parts[..firstWild]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var recursive = parts[firstWild..].Contains("**");
        var namePattern = parts[^1];
        var relPattern = string.Join('/', parts[firstWild..]);
        return Directory.EnumerateFiles(root, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => recursive
                ? FileSystemName.MatchesSimpleExpression(namePattern, Path.GetFileName(f))
                : FileSystemName.MatchesSimpleExpression(relPattern, Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);
    }
}
