namespace Burnish.Fuzz;

/// <summary>
/// A small deterministic byte mutator for the in-process smoke run (AFL and libFuzzer bring their own): bit flips,
/// "interesting" integers (the lengths that broke the parsers: 0xFFFFFFFF, 0x7FFFFFFF, 0x7FFFFFF5…), inserted,
/// deleted and repeated runs, and splices between seeds. Everything derives from the seed given, so a run repeats exactly.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly uint[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFF5, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];
    private static readonly byte[][] Tokens = ["{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ":"u8.ToArray(),
        ","u8.ToArray(), "\n"u8.ToArray(), "- "u8.ToArray(), "preset: "u8.ToArray(), "Steps: "u8.ToArray(), "LUT_3D_SIZE "u8.ToArray(),
        "mluc"u8.ToArray(), "desc"u8.ToArray(), "ICCP"u8.ToArray(), "iCCP"u8.ToArray(), "stealth_pngcomp"u8.ToArray()];

    private readonly Random random = new(seed);

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus, int maxLength = 1 << 16)
    {
        var data = new List<byte>(input);
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            switch (random.Next(8))
            {
                case 0 when data.Count > 0: // flip a bit
                    var at = random.Next(data.Count);
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count >= 4: // an interesting 32-bit value, either byte order
                    var v = Interesting[random.Next(Interesting.Length)];
                    var pos = random.Next(data.Count - 3);
                    var bytes = BitConverter.GetBytes(v);
                    if (random.Next(2) == 0) Array.Reverse(bytes);
                    for (var k = 0; k < 4; k++) data[pos + k] = bytes[k];
                    break;
                case 2 when data.Count > 0: // delete a run
                    var start = random.Next(data.Count);
                    data.RemoveRange(start, Math.Min(data.Count - start, 1 + random.Next(32)));
                    break;
                case 3: // insert a token
                    data.InsertRange(random.Next(data.Count + 1), Tokens[random.Next(Tokens.Length)]);
                    break;
                case 4 when data.Count > 0: // repeat a run, nesting and lengthening what is there
                    var from = random.Next(data.Count);
                    var run = data.GetRange(from, Math.Min(data.Count - from, 1 + random.Next(16)));
                    var times = 1 + random.Next(64);
                    for (var t = 0; t < times && data.Count + run.Count <= maxLength; t++) data.InsertRange(from, run);
                    break;
                case 5 when corpus.Count > 0: // splice with another seed
                    var other = corpus[random.Next(corpus.Count)];
                    if (other.Length == 0) break;
                    var cut = random.Next(data.Count + 1);
                    var otherCut = random.Next(other.Length);
                    data.RemoveRange(cut, data.Count - cut);
                    data.AddRange(other.AsSpan(otherCut).ToArray());
                    break;
                case 6 when data.Count > 0: // a random byte
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                default: // truncate
                    if (data.Count > 0)
                    {
                        var keep = random.Next(data.Count);
                        data.RemoveRange(keep, data.Count - keep);
                    }
                    break;
            }
        }
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }
}
