using System.Buffers.Binary;

namespace Burnish.Models.Ncnn;

/// <summary>
/// Reads an ncnn <c>.bin</c> weights file in layer order, as ncnn's ModelBin does: a "tagged" array starts with a
/// 4-byte tag (0 or 0x0002C056: float32; 0x01306B47: float16, padded to 4 bytes); an "untagged" array (biases, PReLU
/// slopes) is float32 without a tag. Everything comes back as float32.
/// </summary>
public sealed class NcnnWeights
{
    private const uint Float16Tag = 0x01306B47;
    private const uint Float32ScaledTag = 0x0002C056;
    private const uint Int8Tag = 0x000D4B38;

    private readonly byte[] data;
    private readonly string name;
    private int offset;

    public NcnnWeights(string path)
    {
        if (!File.Exists(path)) throw new BurnishException($"{path}: ncnn .bin weights file not found");
        data = File.ReadAllBytes(path);
        name = Path.GetFileName(path);
    }

    /// <summary>Bytes not read yet: nonzero after the last layer means the .param and .bin do not belong together.</summary>
    public int Remaining => data.Length - offset;

    /// <summary>A tagged array of <paramref name="count"/> values (weights).</summary>
    public float[] Tagged(int count, NcnnLayer layer)
    {
        var tag = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, layer, count));
        if (tag == Float16Tag)
        {
            var bytes = Take((count * 2 + 3) / 4 * 4, layer, count);
            var values = new float[count];
            for (var i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2));
            return values;
        }
        if (tag is 0 or Float32ScaledTag) return Float32(count, layer);
        if (tag == Int8Tag) throw layer.Problem($"{name} stores int8 weights; only float16 and float32 models are supported");
        throw layer.Problem($"{name} stores weights with tag 0x{tag:X8} at byte {offset - 4} (quantised or not ncnn); only float16 and float32 models are supported");
    }

    /// <summary>An untagged float32 array (biases, slopes).</summary>
    public float[] Untagged(int count, NcnnLayer layer) => Float32(count, layer);

    private float[] Float32(int count, NcnnLayer layer)
    {
        var bytes = Take(count * 4, layer, count);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        return values;
    }

    private ReadOnlySpan<byte> Take(int bytes, NcnnLayer layer, int count)
    {
        if (count < 0 || bytes < 0 || offset + bytes > data.Length)
            throw layer.Problem($"{name} ends at byte {data.Length} while reading {count} values at byte {offset}: the .bin does not belong to this .param, or is truncated");
        var span = data.AsSpan(offset, bytes);
        offset += bytes;
        return span;
    }
}
