using System.Globalization;
using System.Text;
using Burnish.IO;

namespace Burnish.Stages.Grade.Lut;

/// <summary>
/// Reads <c>.cube</c> LUTs: the Adobe Cube LUT Specification 1.0 (<c>LUT_3D_SIZE</c> or <c>LUT_1D_SIZE</c>,
/// <c>DOMAIN_MIN</c>/<c>DOMAIN_MAX</c>, <c>TITLE</c>) and DaVinci Resolve's variant (a <c>LUT_1D_SIZE</c> shaper
/// together with <c>LUT_3D_SIZE</c>, <c>LUT_1D_INPUT_RANGE</c>/<c>LUT_3D_INPUT_RANGE</c>).
/// </summary>
/// <remarks>
/// Keywords come before the table; <c>#</c> comment lines, blank lines and CRLF line ends are allowed anywhere.
/// Rows are "R G B", red varying fastest. With both sizes, the 1D shaper's rows come first and it is applied
/// first. DOMAIN_MIN/DOMAIN_MAX give the input range of whichever table reads the input (the shaper when there
/// is one); LUT_1D_INPUT_RANGE and LUT_3D_INPUT_RANGE give one table's range for all three channels. Unknown
/// upper-case keywords before the table (e.g. Resolve's <c>LUT_IN_VIDEO_RANGE</c>) are ignored. Every problem is
/// a <see cref="LutFileException"/> naming the file and the line.
/// </remarks>
public static class CubeLutReader
{
    /// <summary>Reads a .cube file; <paramref name="path"/> is how messages name it.</summary>
    public static CubeLut Read(string path)
    {
        var limits = InputLimits.Default;
        TextReader reader;
        try
        {
            // Regular files only (a folder, FIFO or /dev/zero is refused by name), within a byte and a line cap.
            reader = TextFiles.OpenLines(path, limits.MaxLutFileBytes, limits.MaxLineChars);
        }
        catch (InputFileException e)
        {
            throw new LutFileException(path, 0, e.Problem, e);
        }
        using (reader)
        {
            try
            {
                return Parse(reader, path);
            }
            catch (LineTooLongException e)
            {
                throw new LutFileException(path, e.Line, $"a line longer than {limits.MaxLineChars:N0} characters; a .cube row is three numbers", e);
            }
            catch (IOException e)
            {
                throw new LutFileException(path, 0, $"cannot read: {e.Message}", e);
            }
        }
    }

    /// <summary>Parses .cube text; <paramref name="name"/> is how messages name the source.</summary>
    public static CubeLut Parse(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        var state = new ParseState(name);
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            state.LineNumber++;
            var line = text.AsSpan().Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (state.Rows == 0 && !StartsLikeNumber(line))
                state.Keyword(line);
            else
                state.Row(line);
        }
        return state.Finish();
    }

    private static bool StartsLikeNumber(ReadOnlySpan<char> line) =>
        line[0] is (>= '0' and <= '9') or '-' or '+' or '.';

    private sealed class ParseState(string name)
    {
        public int LineNumber;
        public long Rows;

        private int size3D, size1D;
        private int size3DLine, size1DLine;
        private LutRgb? domainMin, domainMax;
        private int domainMinLine, domainMaxLine;
        private (float Min, float Max)? range1D, range3D;
        private int range1DLine, range3DLine;
        private bool title;
        private float[] values = [];
        private long expected;
        private int lastRowLine;

        private LutFileException Error(string problem, int line = -1) => new(name, line < 0 ? LineNumber : line, problem);

        public void Keyword(ReadOnlySpan<char> line)
        {
            var split = line.IndexOfAny(' ', '\t');
            var keyword = (split < 0 ? line : line[..split]).ToString();
            var rest = split < 0 ? [] : line[(split + 1)..].Trim();
            switch (keyword)
            {
                case "TITLE":
                    if (title) throw Error("a second TITLE");
                    title = true;
                    break;
                case "LUT_3D_SIZE":
                    if (size3D != 0) throw Error($"a second LUT_3D_SIZE (the first is on line {size3DLine})");
                    size3D = Size(keyword, rest, CubeLut.MaxSize);
                    size3DLine = LineNumber;
                    break;
                case "LUT_1D_SIZE":
                    if (size1D != 0) throw Error($"a second LUT_1D_SIZE (the first is on line {size1DLine})");
                    size1D = Size(keyword, rest, LutCurve.MaxSize);
                    size1DLine = LineNumber;
                    break;
                case "DOMAIN_MIN":
                    if (domainMin is not null) throw Error($"a second DOMAIN_MIN (the first is on line {domainMinLine})");
                    domainMin = Triple(keyword, rest);
                    domainMinLine = LineNumber;
                    break;
                case "DOMAIN_MAX":
                    if (domainMax is not null) throw Error($"a second DOMAIN_MAX (the first is on line {domainMaxLine})");
                    domainMax = Triple(keyword, rest);
                    domainMaxLine = LineNumber;
                    break;
                case "LUT_1D_INPUT_RANGE":
                    if (range1D is not null) throw Error($"a second LUT_1D_INPUT_RANGE (the first is on line {range1DLine})");
                    range1D = Pair(keyword, rest);
                    range1DLine = LineNumber;
                    break;
                case "LUT_3D_INPUT_RANGE":
                    if (range3D is not null) throw Error($"a second LUT_3D_INPUT_RANGE (the first is on line {range3DLine})");
                    range3D = Pair(keyword, rest);
                    range3DLine = LineNumber;
                    break;
                default:
                    if (!IsKeyword(keyword)) throw Error($"expected a keyword or 3 numbers, got '{Shorten(line)}'");
                    break; // another tool's keyword (LUT_IN_VIDEO_RANGE, …): ignored, as the specification allows
            }
        }

        public void Row(ReadOnlySpan<char> line)
        {
            if (Rows == 0) Begin();
            Span<float> rgb = stackalloc float[3];
            var count = 0;
            var rest = line;
            while (rest.Length > 0)
            {
                var end = rest.IndexOfAny(' ', '\t');
                var token = end < 0 ? rest : rest[..end];
                rest = end < 0 ? [] : rest[(end + 1)..].TrimStart();
                if (count < 3)
                {
                    if (!TryNumber(token, out rgb[count]))
                        throw Error($"expected 3 numbers, got '{Shorten(token)}'" + (line.Length > token.Length ? $" in '{Shorten(line)}'" : ""));
                }
                count++;
            }
            if (count != 3) throw Error($"expected 3 numbers, got {count}: '{Shorten(line)}'");
            if (Rows < expected)
            {
                var at = 3 * Rows;
                if (at + 3 > values.LongLength) Array.Resize(ref values, (int)Math.Min(3 * expected + 1, Math.Max(values.LongLength * 2, 3 * 4096)));
                values[at] = rgb[0];
                values[at + 1] = rgb[1];
                values[at + 2] = rgb[2];
            }
            Rows++;
            lastRowLine = LineNumber;
        }

        /// <summary>At the first row: every keyword has been seen, so the layout is known and can be checked.</summary>
        private void Begin()
        {
            if (size3D == 0 && size1D == 0) throw Error("table data before LUT_3D_SIZE or LUT_1D_SIZE");
            if (range1D is not null && size1D == 0) throw Error("LUT_1D_INPUT_RANGE without LUT_1D_SIZE", range1DLine);
            if (range3D is not null && size3D == 0) throw Error("LUT_3D_INPUT_RANGE without LUT_3D_SIZE", range3DLine);
            if (domainMin is { } min && domainMax is { } max)
            {
                for (var c = 0; c < 3; c++)
                {
                    if (!(min[c] < max[c]))
                        throw Error($"DOMAIN_MIN {min} is not below DOMAIN_MAX {max} ({"RGB"[c]}: {min[c].ToString(CultureInfo.InvariantCulture)} ≥ {max[c].ToString(CultureInfo.InvariantCulture)})",
                            Math.Max(domainMinLine, domainMaxLine));
                }
            }
            var (lo, hi) = (domainMin ?? new LutRgb(0, 0, 0), domainMax ?? new LutRgb(1, 1, 1));
            if (domainMin is null && domainMax is { } onlyMax && !(lo.R < onlyMax.R && lo.G < onlyMax.G && lo.B < onlyMax.B))
                throw Error($"DOMAIN_MAX {onlyMax} is not above the default DOMAIN_MIN 0 0 0", domainMaxLine);
            if (domainMax is null && domainMin is { } onlyMin && !(onlyMin.R < hi.R && onlyMin.G < hi.G && onlyMin.B < hi.B))
                throw Error($"DOMAIN_MIN {onlyMin} is not below the default DOMAIN_MAX 1 1 1", domainMinLine);
            // DOMAIN_* belongs to the table that reads the input; the *_INPUT_RANGE keywords name their table.
            var domainLine = Math.Max(domainMinLine, domainMaxLine);
            if (domainLine > 0 && (size1D > 0 ? range1D : range3D) is not null)
                throw Error($"both DOMAIN_MIN/DOMAIN_MAX and {(size1D > 0 ? "LUT_1D_INPUT_RANGE" : "LUT_3D_INPUT_RANGE")} give the input range", domainLine);
            CheckRange("LUT_1D_INPUT_RANGE", range1D, range1DLine);
            CheckRange("LUT_3D_INPUT_RANGE", range3D, range3DLine);
            expected = size1D + (long)size3D * size3D * size3D;
            // Grown as rows arrive, so that a header promising 256³ costs nothing until the rows are there; one float
            // more than the table for the kernel's padding (see CubeLut.FromPadded).
            values = new float[(int)Math.Min(3 * expected + 1, 3 * 65536)];
        }

        private void CheckRange(string keyword, (float Min, float Max)? range, int line)
        {
            if (range is { } r && !(r.Min < r.Max))
                throw Error($"{keyword} {Format(r.Min)} {Format(r.Max)}: the minimum is not below the maximum", line);
        }

        public CubeLut Finish()
        {
            if (Rows == 0)
            {
                if (size3D == 0 && size1D == 0) throw Error("no LUT_3D_SIZE or LUT_1D_SIZE", Math.Max(LineNumber, 1));
                Begin(); // the keyword checks, so that an empty table reports them before its row count
            }
            if (Rows != expected)
            {
                var sizes = (size1D, size3D) switch
                {
                    (0, _) => $"LUT_3D_SIZE {size3D}",
                    (_, 0) => $"LUT_1D_SIZE {size1D}",
                    _ => $"LUT_1D_SIZE {size1D} and LUT_3D_SIZE {size3D}",
                };
                var want = size1D > 0 && size3D > 0 ? $"{size1D} + {(long)size3D * size3D * size3D}" : expected.ToString(CultureInfo.InvariantCulture);
                throw Error($"{Rows} rows for {sizes} (expected {want})", Rows > expected ? lastRowLine : Math.Max(LineNumber, 1));
            }

            var defaultMin = new LutRgb(0, 0, 0);
            var defaultMax = new LutRgb(1, 1, 1);
            var firstMin = domainMin ?? defaultMin;
            var firstMax = domainMax ?? defaultMax;
            LutCurve? shaper = null;
            if (size1D > 0)
            {
                var (min, max) = range1D is { } r ? (new LutRgb(r.Min, r.Min, r.Min), new LutRgb(r.Max, r.Max, r.Max)) : (firstMin, firstMax);
                shaper = new LutCurve(size1D, values[..(3 * size1D)], min, max);
            }
            if (size3D == 0) return CubeLut.FromPadded(name, 0, [], defaultMin, defaultMax, shaper);
            var (min3, max3) = range3D is { } r3 ? (new LutRgb(r3.Min, r3.Min, r3.Min), new LutRgb(r3.Max, r3.Max, r3.Max))
                : size1D > 0 ? (defaultMin, defaultMax) : (firstMin, firstMax);
            var table = values;
            if (size1D > 0 || values.LongLength != 3 * expected + 1)
            {
                table = new float[3 * (expected - size1D) + 1];
                Array.Copy(values, 3 * size1D, table, 0, table.Length - 1);
            }
            return CubeLut.FromPadded(name, size3D, table, min3, max3, shaper);
        }

        private int Size(string keyword, ReadOnlySpan<char> text, int max)
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                throw Error($"{keyword} needs a whole number, got '{Shorten(text)}'");
            if (n > max) throw Error($"{keyword} {n} is over {max}");
            if (n < 2) throw Error($"{keyword} {n} is under 2");
            return (int)n;
        }

        private LutRgb Triple(string keyword, ReadOnlySpan<char> text)
        {
            Span<float> v = stackalloc float[3];
            if (Numbers(text, v) != 3) throw Error($"{keyword} needs 3 numbers, got '{Shorten(text)}'");
            return new LutRgb(v[0], v[1], v[2]);
        }

        private (float Min, float Max) Pair(string keyword, ReadOnlySpan<char> text)
        {
            Span<float> v = stackalloc float[2];
            if (Numbers(text, v) != 2) throw Error($"{keyword} needs 2 numbers, got '{Shorten(text)}'");
            return (v[0], v[1]);
        }

        /// <summary>How many numbers <paramref name="text"/> holds if it holds exactly <paramref name="into"/>.Length, else -1.</summary>
        private static int Numbers(ReadOnlySpan<char> text, Span<float> into)
        {
            var count = 0;
            while (text.Length > 0)
            {
                var end = text.IndexOfAny(' ', '\t');
                var token = end < 0 ? text : text[..end];
                text = end < 0 ? [] : text[(end + 1)..].TrimStart();
                if (count >= into.Length || !TryNumber(token, out into[count])) return -1;
                count++;
            }
            return count;
        }
    }

    private static bool TryNumber(ReadOnlySpan<char> token, out float value) =>
        float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    private static bool IsKeyword(string word) =>
        word.Length > 0 && char.IsAsciiLetterUpper(word[0]) && word.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    private static string Format(float v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "...");
}
