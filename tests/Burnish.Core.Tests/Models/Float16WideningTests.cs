using Burnish.Models.Onnx;
using Google.Protobuf;

namespace Burnish.Core.Tests.Models;

/// <summary>Float16 models widened to float32 (as ISNet is before its session is made): the same graph, computed in float.</summary>
public class Float16WideningTests
{
    // Values a wrong conversion of the halves would show: 2049 has no half, 1.0001 rounds to 1 in one.
    private static readonly float[] Input = [1.0001f, 2049f, -3.14159f, 0.1f];
    private static readonly Half[] Bias = [(Half)0.25f, (Half)1f, (Half)0.5f, (Half)1e-4f];

    /// <summary>x → Cast(float16) → Add(float16 bias) → Cast(float): the pattern of a float16 export with float input and output.</summary>
    private static ModelProto HalfModel(bool int32Data = false)
    {
        var g = new OnnxGraphBuilder("half");
        var x = g.Input("input", [1, 4]);
        var bias = g.Initializer("bias", new float[4], 1, 4);
        var xh = g.Node("Cast", [x], null, OnnxAttribute.Int("to", (long)TensorProto.Types.DataType.Float16));
        var sum = g.Node("Add", [xh, bias]);
        g.Node("Cast", [sum], "output", OnnxAttribute.Int("to", (long)TensorProto.Types.DataType.Float));
        g.Output("output", [1, 4]);
        var model = g.Build();
        var b = model.Graph.Initializer.Single(t => t.Name == bias);
        b.DataType = (int)TensorProto.Types.DataType.Float16;
        if (int32Data)
        {
            // ONNX's other way to store halves: each bit pattern in an int32.
            b.ClearRawData();
            b.Int32Data.AddRange(Bias.Select(h => (int)BitConverter.HalfToUInt16Bits(h)));
        }
        else b.RawData = ByteString.CopyFrom([.. Bias.SelectMany(h => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits(h)))]);
        return model;
    }

    private static float[] Run(ModelProto model)
    {
        using var dir = new TempDir();
        var path = dir.File("m.onnx");
        OnnxFile.Save(model, path);
        return ModelRunner.Run(path, Input, [1, 4]).Values;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHalfModelComputesInFloatOnceWidened(bool int32Data)
    {
        var half = Run(HalfModel(int32Data));
        var model = HalfModel(int32Data);
        var (tensors, casts) = Float16Widening.Widen(model);
        Assert.Equal((1, 1), (tensors, casts));
        Assert.DoesNotContain(model.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Float16);
        var wide = Run(model);
        for (var i = 0; i < Input.Length; i++)
        {
            // Widened: one float addition of the input and the exact value of each half, bit for bit.
            Assert.Equal(Input[i] + (float)Bias[i], wide[i]);
            // The float16 model as ONNX Runtime runs it: the same sum, or rounded to a half (a relative 2^-11 at most, twice).
            Assert.Equal(Input[i] + (float)Bias[i], half[i], Math.Abs(Input[i]) * 1e-3 + 1e-4);
        }
    }
}
