// TEMPORARY: stands in for the models branch until it is merged. Delete at merge.
namespace Burnish.Models;
public sealed record ModelInfo(string Name, int Scale, string Architecture, long Parameters, double FlopsPerOutputPixel, int ReceptiveRadius, float InputRange, string Licence, string Source, string OnnxPath, string Sha256);
public sealed record BundledModel(string Name, IReadOnlyList<int> Scales);
public static class BundledModels
{
    public static IReadOnlyList<BundledModel> All { get; } = [new("esrgan-slim", [2, 3, 4, 8]), new("esrgan-medium", [2, 3, 4, 8])];
    public static BundledModel? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}
public sealed class ModelCache(string root)
{
    public string Root { get; } = root;
    public static string DefaultRoot() => "/tmp/models";
    public ModelInfo Get(string name, int scale, IProgress<string>? progress = null, CancellationToken cancel = default) =>
        new(name, scale, "RDN", 0, 0, 20, 255, "MIT", "npm", Path.Combine(Root, $"{name}-x{scale}.onnx"), "");
}
public sealed record GraphFacts(int? ReceptiveRadiusPixels);
public static class ModelGraphInfo { public static GraphFacts Load(string path) => throw new BurnishException("stub"); }
