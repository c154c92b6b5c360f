namespace Burnish.Stages.Grade.Lut;

/// <summary>One value per colour channel: a LUT entry or a domain bound.</summary>
public readonly record struct LutRgb(float R, float G, float B)
{
    public float this[int channel] => channel switch
    {
        0 => R,
        1 => G,
        2 => B,
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public override string ToString() => FormattableString.Invariant($"{R:0.######} {G:0.######} {B:0.######}");
}

/// <summary>
/// A colour look-up table as read from a <c>.cube</c> file or a HaldCLUT image: a 3D table with an optional 1D
/// shaper applied before it, or a 1D per-channel curve alone. Immutable; apply it with <see cref="Lut3D.Apply"/>.
/// </summary>
public sealed class CubeLut
{
    /// <summary>The largest 3D grid the readers accept (256³ RGB floats are 192 MiB).</summary>
    public const int MaxSize = 256;

    private readonly float[] table;

    /// <param name="name">Where the LUT came from, for messages and lineage.</param>
    /// <param name="size">Grid points per axis, 2–256; 0 for a LUT that is only the <paramref name="shaper"/> curve.</param>
    /// <param name="table">size³ RGB triples, red varying fastest, then green, then blue (the .cube order).</param>
    /// <param name="domainMin">Input value that maps to the first grid point, per channel.</param>
    /// <param name="domainMax">Input value that maps to the last grid point, per channel.</param>
    /// <param name="shaper">A per-channel 1D curve applied before the 3D table (or alone when size is 0).</param>
    public CubeLut(string name, int size, float[] table, LutRgb domainMin, LutRgb domainMax, LutCurve? shaper = null)
        : this(Padded(table, size), name, size, domainMin, domainMax, shaper)
    {
    }

    /// <summary>For the readers: takes <paramref name="padded"/> (size³×3 values and one float of padding) as the table itself, without a copy.</summary>
    internal static CubeLut FromPadded(string name, int size, float[] padded, LutRgb domainMin, LutRgb domainMax, LutCurve? shaper = null) =>
        new(padded, name, size, domainMin, domainMax, shaper);

    private CubeLut(float[] padded, string name, int size, LutRgb domainMin, LutRgb domainMax, LutCurve? shaper)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(padded);
        if (size == 0)
        {
            if (shaper is null) throw new ArgumentException("a LUT without a 3D table needs a 1D curve", nameof(shaper));
            if (padded.Length != 0) throw new ArgumentException("a 1D-only LUT has an empty 3D table", nameof(padded));
        }
        else
        {
            if (size < 2 || size > MaxSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"3D LUT size must be 2–{MaxSize}");
            if (padded.LongLength != 3L * size * size * size + 1)
                throw new ArgumentException($"expected {size}³×3 = {3L * size * size * size} values, got {padded.LongLength - 1}", nameof(padded));
        }
        for (var i = 0; i < padded.Length - 1; i++)
        {
            if (!float.IsFinite(padded[i])) throw new ArgumentException($"LUT value {i} is {padded[i]}; values must be finite", nameof(padded));
        }
        LutCurve.CheckDomain(domainMin, domainMax);
        Name = name;
        Size = size;
        table = padded;
        DomainMin = domainMin;
        DomainMax = domainMax;
        Shaper = shaper;
    }

    /// <summary>
    /// A copy with one float after the last entry: the kernel reads each corner as four floats (RGB and one more),
    /// and the last corner's fourth float must still be inside the array. Copying also keeps the LUT immutable.
    /// </summary>
    private static float[] Padded(float[] table, int size)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (size == 0) return table.Length == 0 ? [] : throw new ArgumentException("a 1D-only LUT has an empty 3D table", nameof(table));
        if (size < 2 || size > MaxSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"3D LUT size must be 2–{MaxSize}");
        if (table.LongLength != 3L * size * size * size)
            throw new ArgumentException($"expected {size}³×3 = {3L * size * size * size} values, got {table.LongLength}", nameof(table));
        var padded = new float[table.Length + 1];
        table.CopyTo(padded, 0);
        return padded;
    }

    public string Name { get; }

    /// <summary>Grid points per axis of the 3D table, 2–256; 0 when the LUT is only a 1D curve (<see cref="Shaper"/>).</summary>
    public int Size { get; }

    /// <summary>size³ RGB triples, red varying fastest, then green, then blue.</summary>
    public ReadOnlySpan<float> Table => Size == 0 ? [] : table.AsSpan(0, table.Length - 1);

    /// <summary>Input that maps to the first grid point of the 3D table, per channel (usually 0).</summary>
    public LutRgb DomainMin { get; }

    /// <summary>Input that maps to the last grid point of the 3D table, per channel (usually 1).</summary>
    public LutRgb DomainMax { get; }

    /// <summary>A per-channel 1D curve applied before the 3D table; the whole LUT when <see cref="Size"/> is 0.</summary>
    public LutCurve? Shaper { get; }

    public bool Is3D => Size > 0;

    /// <summary>The table and one float of padding (see <see cref="Padded"/>).</summary>
    internal float[] Data => table;

    /// <summary>The table entry at grid point (r, g, b).</summary>
    public LutRgb this[int r, int g, int b]
    {
        get
        {
            if ((uint)r >= (uint)Size || (uint)g >= (uint)Size || (uint)b >= (uint)Size)
                throw new ArgumentOutOfRangeException(nameof(r), $"grid point ({r}, {g}, {b}) is outside a {Size}³ LUT");
            var i = 3 * (r + Size * (g + Size * b));
            return new LutRgb(table[i], table[i + 1], table[i + 2]);
        }
    }

    /// <summary>A 3D LUT that returns its input over the domain 0–1: each grid point holds its own coordinates.</summary>
    public static CubeLut Identity(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        var table = new float[3 * size * size * size + 1];
        var i = 0;
        for (var b = 0; b < size; b++)
            for (var g = 0; g < size; g++)
                for (var r = 0; r < size; r++)
                {
                    table[i++] = (float)r / (size - 1);
                    table[i++] = (float)g / (size - 1);
                    table[i++] = (float)b / (size - 1);
                }
        return FromPadded($"identity-{size}", size, table, new LutRgb(0, 0, 0), new LutRgb(1, 1, 1));
    }

    public override string ToString() =>
        Is3D ? $"{Name} ({Size}³{(Shaper is null ? "" : $", {Shaper.Size}-point shaper")})" : $"{Name} ({Shaper!.Size}-point 1D)";
}

/// <summary>
/// A 1D per-channel curve sampled at evenly spaced inputs from <see cref="DomainMin"/> to <see cref="DomainMax"/>,
/// linearly interpolated: a .cube <c>LUT_1D_SIZE</c> table.
/// </summary>
public sealed class LutCurve
{
    /// <summary>The most points a 1D table may have (the Adobe Cube LUT Specification 1.0 limit).</summary>
    public const int MaxSize = 65536;

    private readonly float[] table;

    /// <param name="size">Points per channel, 2–65536.</param>
    /// <param name="table">size RGB triples, from the domain minimum to the maximum.</param>
    /// <param name="domainMin">Input value that maps to the first point, per channel.</param>
    /// <param name="domainMax">Input value that maps to the last point, per channel.</param>
    public LutCurve(int size, float[] table, LutRgb domainMin, LutRgb domainMax)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (size < 2 || size > MaxSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"1D LUT size must be 2–{MaxSize}");
        if (table.Length != 3 * size) throw new ArgumentException($"expected {size}×3 values, got {table.Length}", nameof(table));
        if (Array.Exists(table, v => !float.IsFinite(v))) throw new ArgumentException("LUT values must be finite", nameof(table));
        CheckDomain(domainMin, domainMax);
        Size = size;
        this.table = (float[])table.Clone();
        DomainMin = domainMin;
        DomainMax = domainMax;
    }

    public int Size { get; }

    /// <summary>size RGB triples, from the domain minimum to the maximum.</summary>
    public ReadOnlySpan<float> Table => table;

    public LutRgb DomainMin { get; }

    public LutRgb DomainMax { get; }

    internal float[] Data => table;

    internal static void CheckDomain(LutRgb min, LutRgb max)
    {
        for (var c = 0; c < 3; c++)
        {
            if (!float.IsFinite(min[c]) || !float.IsFinite(max[c]) || !(min[c] < max[c]))
                throw new ArgumentException($"domain minimum {min} must be below the maximum {max} in every channel");
        }
    }
}

/// <summary>A LUT file that cannot be used: names the file and, for text formats, the line.</summary>
public sealed class LutFileException(string file, int line, string problem, Exception? inner = null)
    : BurnishException(line > 0 ? $"{PathText.Show(file)}:{line}: {problem}" : $"{PathText.Show(file)}: {problem}", inner)
{
    public string File { get; } = file;

    /// <summary>1-based line of a text LUT; 0 where a line means nothing (images, unreadable files).</summary>
    public int Line { get; } = line;

    public string Problem { get; } = problem;
}
