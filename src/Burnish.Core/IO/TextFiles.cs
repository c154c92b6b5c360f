using System.Globalization;
using System.Text;

namespace Burnish.IO;

/// <summary>A small input file (recipe, look, LUT, mask list…) that cannot be read: names the file, one line.</summary>
public sealed class InputFileException(string path, string problem, Exception? inner = null)
    : BurnishException($"{PathText.Show(path)}: {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>
/// Reads text inputs within <see cref="InputLimits"/>: only regular files (a folder, FIFO or <c>/dev/zero</c> is
/// refused by name before it is opened, so nothing blocks or is read without end) and only up to a byte cap.
/// </summary>
public static class TextFiles
{
    /// <summary>The whole file as text (UTF-8, or as its byte-order mark says), refusing anything over <paramref name="maxBytes"/>.</summary>
    public static string ReadAllText(string path, long maxBytes)
    {
        using var stream = OpenRegular(path);
        try
        {
            var bytes = ReadCapped(stream, path, maxBytes);
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (IOException e)
        {
            throw new InputFileException(path, $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>Opens a regular file for reading; anything else is an <see cref="InputFileException"/>.</summary>
    public static FileStream OpenRegular(string path)
    {
        if (FileIdentity.RefuseAsInput(path) is { } why)
            throw new InputFileException(path, why);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path,
                e is FileNotFoundException or DirectoryNotFoundException ? "file not found"
                : e is UnauthorizedAccessException ? "permission denied"
                : $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>A reader over <paramref name="path"/> that refuses more than <paramref name="maxBytes"/> bytes and lines over <paramref name="maxLineChars"/>.</summary>
    public static BoundedLineReader OpenLines(string path, long maxBytes, int maxLineChars)
    {
        var stream = OpenRegular(path);
        if (stream.Length > maxBytes)
        {
            stream.Dispose();
            throw new InputFileException(path, TooLarge(maxBytes));
        }
        return new BoundedLineReader(new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), maxLineChars);
    }

    private static byte[] ReadCapped(Stream stream, string path, long maxBytes)
    {
        if (stream.Length > maxBytes) throw new InputFileException(path, TooLarge(maxBytes));
        // Read to the end rather than trusting Length: a file can grow while it is read.
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > maxBytes) throw new InputFileException(path, TooLarge(maxBytes));
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    internal static string TooLarge(long maxBytes) =>
        $"larger than {Size(maxBytes)}, the limit for this kind of file";

    private static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / (double)(1 << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB";
}

/// <summary>A line longer than a reader's limit; <see cref="Line"/> is its 1-based number.</summary>
public sealed class LineTooLongException(int line, int maxChars)
    : IOException($"line {line} is longer than {maxChars:N0} characters")
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads lines without ever holding more than a fixed number of characters of one line: a 300 MB file of one line
/// is refused at the limit instead of being read into a 600 MB string.
/// </summary>
public sealed class BoundedLineReader(TextReader inner, int maxLineChars) : TextReader
{
    private readonly char[] buffer = new char[8192];
    private int start, end;
    private int line;

    public override int Peek() => Fill() ? buffer[start] : -1;

    public override int Read() => Fill() ? buffer[start++] : -1;

    public override string? ReadLine()
    {
        if (!Fill()) return null;
        line++;
        var sb = new StringBuilder();
        while (Fill())
        {
            var span = buffer.AsSpan(start, end - start);
            var nl = span.IndexOfAny('\n', '\r');
            var take = nl < 0 ? span.Length : nl;
            if (sb.Length + take > maxLineChars) throw new LineTooLongException(line, maxLineChars);
            sb.Append(span[..take]);
            start += take;
            if (nl < 0) continue;
            var c = buffer[start++];
            if (c == '\r' && Fill() && buffer[start] == '\n') start++;
            break;
        }
        return sb.ToString();
    }

    private bool Fill()
    {
        if (start < end) return true;
        start = 0;
        end = inner.Read(buffer, 0, buffer.Length);
        return end > 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
