using System.Text;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.IO;
using Burnish.Models;
using Burnish.Models.Ncnn;
using Burnish.Recipes;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Fuzz;

/// <summary>One parser under test: what it does with the bytes, and where its seed corpus lies (relative to the repository root).</summary>
/// <param name="Name">How the command line names it.</param>
/// <param name="Run">Feeds one input; an expected refusal is a <see cref="BurnishException"/> (or what <paramref name="Expected"/> allows).</param>
/// <param name="Seeds">Globs of seed files, relative to the repository root.</param>
/// <param name="Expected">Other exception types that mean "refused cleanly" for this target.</param>
public sealed record FuzzTarget(string Name, Action<byte[]> Run, IReadOnlyList<string> Seeds, IReadOnlyList<Type> Expected)
{
    /// <summary>True when <paramref name="e"/> is a clean refusal rather than a finding.</summary>
    public bool IsExpected(Exception e) => e is BurnishException || Expected.Any(t => t.IsInstanceOfType(e));
}

/// <summary>Every fuzz target: the recipe reader and binder, the generation-metadata parsers, the ICC and declared-profile readers, the .cube reader.</summary>
public static class FuzzTargets
{
    // The PNG text keywords the generation parsers read, picked by the input's first byte.
    private static readonly string[] ChunkKeys = ["parameters", "prompt", "invokeai_metadata", "sd-metadata", "Dream", "Comment", "workflow"];

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("recipe", bytes => RecipeReader.Parse(Utf8(bytes), "fuzz.yaml"),
            ["src/Burnish.Core/Recipes/Presets/*.yaml", "src/Burnish.Core/Stages/Grade/Presets/*.yaml", "src/Burnish.Cli/samples/*.yaml"], []),
        new("look", bytes => RecipeReader.ParseSection<Stages.Grade.GradeParams>(Utf8(bytes), "fuzz-look.yaml"),
            ["src/Burnish.Core/Stages/Grade/Presets/*.yaml"], []),
        new("generation", Generation, ["fuzz/seeds/generation/*"], []),
        new("exif-user-comment", bytes => GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), bytes, null)),
            ["tests/Burnish.Core.Tests/fixtures/metadata/*.txt"], []),
        new("stealth", Stealth, ["fuzz/seeds/stealth/*.bin"], []),
        new("icc", bytes => IccHeader.Read(bytes), ["src/Burnish.Core/Imaging/Profiles/*.icc"], [typeof(FormatException)]),
        new("declared-profile", bytes => DeclaredProfile.IsDeclared(bytes),
            ["tests/Burnish.Core.Tests/fixtures/metadata/*.png", "tests/Burnish.Core.Tests/fixtures/metadata/*.jpg", "src/Burnish.Cli/samples/*.png"], []),
        new("cube", bytes => CubeLutReader.Parse(
                new BoundedLineReader(new StringReader(Utf8(bytes)), InputLimits.Default.MaxLineChars), "fuzz.cube"),
            ["tests/Burnish.Core.Tests/fixtures/golden/lut/*.cube", "fuzz/seeds/cube/*.cube"], [typeof(LineTooLongException)]),
        new("hald", bytes => HaldClut.Load(Scratch.Write("hald.png", bytes)), ["fuzz/seeds/hald/*.png"], []),
        new("tfjs-layers", bytes => TfjsLayersConverter.Convert(Scratch.WriteModel(bytes), new ConversionInfo(255)), ["fuzz/seeds/tfjs-layers/*"], []),
        new("tfjs-graph", bytes => TfjsGraphConverter.Convert(Scratch.WriteModel(bytes), new ConversionInfo(1)), ["fuzz/seeds/tfjs-graph/*"], []),
        new("ncnn-param", bytes => NcnnParam.Read(Scratch.Write("model.param", bytes)), ["fuzz/seeds/ncnn-param/*.param"], []),
    ];

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"unknown target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");

    private static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    // First byte picks the carrier; the rest is its text. NovelAI's Comment is read only beside Software: NovelAI.
    private static void Generation(byte[] bytes)
    {
        if (bytes.Length == 0) return;
        var key = ChunkKeys[bytes[0] % ChunkKeys.Length];
        var chunks = new Dictionary<string, string> { [key] = Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1) };
        if (key == "Comment") chunks["Software"] = "NovelAI";
        if ((bytes[0] & 0x80) != 0) chunks["fooocus_scheme"] = "fooocus";
        GenerationMetadata.Parse(GenerationSource.FromTextChunks(chunks));
    }

    // First two bytes pick a small image shape; the rest are its 8-bit pixels, laid out as the decoder reads them.
    private static void Stealth(byte[] bytes)
    {
        if (bytes.Length < 3) return;
        var bands = 1 + bytes[0] % 4;
        var width = 1 + bytes[1] % 64;
        var pixels = bytes.AsSpan(2);
        var height = pixels.Length / (width * bands);
        if (height == 0) return;
        StealthPnginfo.Decode(pixels, width, height, bands);
    }

    /// <summary>
    /// The readers that take a path get the input as a file in a folder of this process's own: a HaldCLUT image, an
    /// ncnn .param, or a TF.js model.json whose weight shard is the input's bytes after its first NUL (JSON holds no
    /// raw NUL, so the split is unambiguous).
    /// </summary>
    private static class Scratch
    {
        private static readonly string Dir = Directory.CreateDirectory(
            Path.Combine(Path.GetTempPath(), $"burnish-fuzz-{Environment.ProcessId}")).FullName;

        public static string Write(string name, ReadOnlySpan<byte> bytes)
        {
            var path = Path.Combine(Dir, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        public static string WriteModel(byte[] bytes)
        {
            var split = Array.IndexOf(bytes, (byte)0);
            var json = split < 0 ? bytes : bytes[..split];
            Write("group1-shard1of1.bin", split < 0 ? [] : bytes.AsSpan(split + 1));
            return Write("model.json", json);
        }
    }
}
