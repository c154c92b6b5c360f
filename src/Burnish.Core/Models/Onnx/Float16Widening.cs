using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Burnish.Models.Onnx;

/// <summary>
/// A float16 ONNX model turned into the same graph in float32: every float16 weight and constant widened (exactly:
/// each half is a float), every cast to float16 made a cast to float, every float16 type declared as float. On a CPU
/// without float16 arithmetic ONNX Runtime computes such a model in float anyway, with casts it inserts around its
/// float16-only steps (Concat, for ISNet); widened, those casts and the rounding of activations to float16 between
/// steps go. ISNet's medium export: 25–30 % less CPU per run, its 8-bit mask at most 1 level away (docs/subject-masks.md).
/// </summary>
public static class Float16Widening
{
    private const int Float = (int)TensorProto.Types.DataType.Float, Float16 = (int)TensorProto.Types.DataType.Float16;

    /// <summary>Widens <paramref name="model"/> in place (a copy of ISNet would cost another 170 MB); returns how many float16 tensors and casts it had.</summary>
    public static (int Tensors, int Casts) Widen(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int tensors = 0, casts = 0;
        foreach (var graph in Graphs(model.Graph))
        {
            foreach (var t in graph.Initializer) tensors += Widen(t);
            foreach (var node in graph.Node)
                foreach (var a in node.Attribute)
                {
                    if (a.T is { } t) tensors += Widen(t);
                    foreach (var each in a.Tensors) tensors += Widen(each);
                    if (node.OpType == "Cast" && a.Name == "to" && a.I == Float16)
                    {
                        a.I = Float;
                        casts++;
                    }
                }
            foreach (var v in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
                if (v.Type?.TensorType is { ElemType: Float16 } tensorType) tensorType.ElemType = Float;
        }
        return (tensors, casts);
    }

    /// <summary>A graph and the subgraphs of its nodes (If, Loop, Scan), which may hold float16 too.</summary>
    private static IEnumerable<GraphProto> Graphs(GraphProto graph)
    {
        yield return graph;
        foreach (var node in graph.Node)
            foreach (var a in node.Attribute)
            {
                if (a.G is { } g)
                    foreach (var inner in Graphs(g)) yield return inner;
                foreach (var each in a.Graphs)
                    foreach (var inner in Graphs(each)) yield return inner;
            }
    }

    /// <summary>Widens one tensor in place when it is float16 (raw bytes, or ONNX's int32_data holding the bit patterns); 1 if it was.</summary>
    private static int Widen(TensorProto t)
    {
        if (t.DataType != Float16) return 0;
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new BurnishException($"ONNX tensor {t.Name}: float16 data in an external file cannot be widened");
        byte[] bytes;
        if (!t.RawData.IsEmpty)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(t.RawData.Span); // ONNX's raw data is little-endian, as this machine
            bytes = new byte[halves.Length * sizeof(float)];
            TensorPrimitives.ConvertToSingle(halves, MemoryMarshal.Cast<byte, float>(bytes.AsSpan()));
        }
        else
        {
            float[] values = [.. t.Int32Data.Select(bits => (float)BitConverter.UInt16BitsToHalf((ushort)bits))];
            t.Int32Data.Clear();
            bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        }
        t.RawData = UnsafeByteOperations.UnsafeWrap(bytes); // the array is the tensor's own from here on
        t.DataType = Float;
        return 1;
    }
}
