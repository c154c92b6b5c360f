namespace Burnish.Models;

/// <summary>
/// A super-resolution model Burnish can fetch and convert by itself: a TF.js layers model from an npm package pinned
/// in models/package.json.
/// </summary>
/// <param name="Name">Catalogue name, e.g. esrgan-medium.</param>
/// <param name="Package">npm package, e.g. @upscalerjs/esrgan-medium.</param>
/// <param name="Version">Exact package version (as pinned in models/package.json).</param>
/// <param name="Scales">The scales the package ships a model for.</param>
/// <param name="Architecture">RDN (residual dense network, Zhang et al. 2018) or RRDN (residual-in-residual dense
/// network, ESRGAN, Wang et al. 2018).</param>
/// <param name="Licence">The package's licence.</param>
/// <param name="InputRange">Value range of the model's input and output: 255 (0–255) or 1 (0–1).</param>
/// <param name="ModelPathPattern">model.json inside the package; {0} is the scale.</param>
/// <param name="Description">One line for listings.</param>
public sealed record BundledModel(
    string Name,
    string Package,
    string Version,
    IReadOnlyList<int> Scales,
    string Architecture,
    string Licence,
    float InputRange,
    string ModelPathPattern,
    string Description)
{
    /// <summary>Where the weights come from, e.g. "npm @upscalerjs/esrgan-medium@1.0.0".</summary>
    public string Source => $"npm {Package}@{Version}";

    /// <summary>The model.json of <paramref name="scale"/>, relative to the package folder.</summary>
    public string ModelJson(int scale) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ModelPathPattern, scale);
}

/// <summary>The catalogue of bundled super-resolution models (UpscalerJS, MIT, Kevin Scott; trained on DIV2K).</summary>
public static class BundledModels
{
    /// <summary>Every bundled model, lightest first.</summary>
    public static IReadOnlyList<BundledModel> All { get; } =
    [
        new("esrgan-slim", "@upscalerjs/esrgan-slim", "1.0.0", [2, 3, 4, 8], "RDN", "MIT", 255, "models/x{0}/model.json",
            "RDN, 2 dense blocks of 1 layer, growth 4: fastest"),
        new("esrgan-medium", "@upscalerjs/esrgan-medium", "1.0.0", [2, 3, 4, 8], "RDN", "MIT", 255, "models/x{0}/model.json",
            "RDN, 10 dense blocks of 1 layer, growth 64"),
        new("esrgan-thick", "@upscalerjs/esrgan-thick", "1.0.0", [2, 3, 4, 8], "RRDN", "MIT", 1, "models/x{0}/model.json",
            "RRDN, 10 residual-in-residual blocks of 3 dense blocks of 4 layers: sharpest, slowest"),
        new("default-model", "@upscalerjs/default-model", "1.0.0", [2], "RDN", "MIT", 255, "models/model.json",
            "UpscalerJS's default ×2 model (the same weights as esrgan-slim ×2)"),
    ];

    /// <summary>The model called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static BundledModel? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
