using System.Globalization;

namespace Burnish.Models.Ncnn;

/// <summary>
/// One layer of an ncnn <c>.param</c> file: its type, name, input and output blob names, and its parameter
/// dictionary (<c>id=value</c>, arrays as <c>-(23300+id)=count,v1,v2…</c>), with the line it came from for errors.
/// </summary>
public sealed class NcnnLayer
{
    private readonly Dictionary<int, string> scalars;
    private readonly Dictionary<int, string[]> arrays;

    internal NcnnLayer(string type, string name, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        Dictionary<int, string> scalars, Dictionary<int, string[]> arrays, int line, string file)
    {
        Type = type;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        this.scalars = scalars;
        this.arrays = arrays;
        Line = line;
        File = file;
    }

    public string Type { get; }
    public string Name { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>1-based line in the .param file.</summary>
    public int Line { get; }

    public string File { get; }

    /// <summary>The parameter ids this layer sets (arrays by their plain id).</summary>
    public IEnumerable<int> Ids => scalars.Keys.Concat(arrays.Keys);

    public int Int(int id, int fallback)
    {
        if (!scalars.TryGetValue(id, out var text)) return fallback;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        throw Problem($"parameter {id}={text} is not an integer");
    }

    public float Float(int id, float fallback)
    {
        if (!scalars.TryGetValue(id, out var text)) return fallback;
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        throw Problem($"parameter {id}={text} is not a number");
    }

    public bool Has(int id) => scalars.ContainsKey(id) || arrays.ContainsKey(id);

    public float[] Floats(int id) => arrays.TryGetValue(id, out var values)
        ? [.. values.Select(t => float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Problem($"array parameter {id} holds '{t}', not a number"))]
        : [];

    public int[] Ints(int id) => arrays.TryGetValue(id, out var values)
        ? [.. values.Select(t => int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw Problem($"array parameter {id} holds '{t}', not an integer"))]
        : [];

    /// <summary>An error that names the file, line, layer type and layer name.</summary>
    public BurnishException Problem(string message) => new($"{File}:{Line}: {Type} '{Name}': {message}");
}

/// <summary>Reads ncnn's text <c>.param</c> format (magic 7767517, then layer and blob counts, then one layer a line).</summary>
public static class NcnnParam
{
    private const int Magic = 7767517;

    /// <summary>Array ids are written as −23300 − id.</summary>
    private const int ArrayBase = -23300;

    /// <summary>Parses <paramref name="path"/>; any malformed line is a <see cref="BurnishException"/> naming it.</summary>
    public static IReadOnlyList<NcnnLayer> Read(string path)
    {
        if (!System.IO.File.Exists(path)) throw new BurnishException($"{path}: ncnn .param file not found");
        var name = Path.GetFileName(path);
        var lines = System.IO.File.ReadAllLines(path);
        var next = 0;

        string[] Fields(out int lineNumber)
        {
            while (next < lines.Length && lines[next].Trim().Length == 0) next++;
            if (next >= lines.Length) throw new BurnishException($"{name}: ends early, at line {lines.Length}");
            lineNumber = next + 1;
            return lines[next++].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }

        var magic = Fields(out var magicLine);
        if (magic.Length != 1 || magic[0] != Magic.ToString(CultureInfo.InvariantCulture))
            throw new BurnishException($"{name}:{magicLine}: not an ncnn .param file (expected the magic number {Magic}; a binary .param.bin is not supported)");
        var counts = Fields(out var countLine);
        if (counts.Length != 2 || !int.TryParse(counts[0], out var layerCount) || !int.TryParse(counts[1], out _) || layerCount <= 0)
            throw new BurnishException($"{name}:{countLine}: expected 'layer_count blob_count'");

        var layers = new List<NcnnLayer>(layerCount);
        for (var i = 0; i < layerCount; i++)
        {
            var f = Fields(out var line);
            if (f.Length < 4 || !int.TryParse(f[2], out var bottoms) || !int.TryParse(f[3], out var tops) || bottoms < 0 || tops < 0 || f.Length < 4 + bottoms + tops)
                throw new BurnishException($"{name}:{line}: malformed layer line (expected 'type name inputs outputs blobs… params…')");
            var inputs = f[4..(4 + bottoms)];
            var outputs = f[(4 + bottoms)..(4 + bottoms + tops)];
            var scalars = new Dictionary<int, string>();
            var arrays = new Dictionary<int, string[]>();
            foreach (var pair in f[(4 + bottoms + tops)..])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0 || !int.TryParse(pair[..eq], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
                    throw new BurnishException($"{name}:{line}: {f[0]} '{f[1]}': malformed parameter '{pair}' (expected id=value)");
                var value = pair[(eq + 1)..];
                if (id <= ArrayBase)
                {
                    var parts = value.Split(',');
                    if (!int.TryParse(parts[0], out var n) || n != parts.Length - 1)
                        throw new BurnishException($"{name}:{line}: {f[0]} '{f[1]}': array parameter '{pair}' does not hold the count it declares");
                    arrays[ArrayBase - id] = parts[1..];
                }
                else scalars[id] = value;
            }
            layers.Add(new NcnnLayer(f[0], f[1], inputs, outputs, scalars, arrays, line, name));
        }
        return layers;
    }
}
