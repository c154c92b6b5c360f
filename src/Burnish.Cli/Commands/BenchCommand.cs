using System.CommandLine;
using Burnish.IO;
using Burnish.Models;
using Burnish.Models.Ncnn;
using Burnish.Pipeline;
using Burnish.Stages.Upscale;

namespace Burnish.Cli.Commands;

public static class BenchCommand
{
    public static Command Create() => new("bench", "Quality benchmarks.") { Sr() };

    private static Command Sr()
    {
        var data = new Option<string>("--data") { Description = "Folder holding the benchmark sets (SET/HR, SET/LR_bicubic/X2 …).", Required = true };
        var sets = new Option<string>("--sets") { Description = "Comma-separated sets.", DefaultValueFactory = _ => "Set5,Set14" };
        var scales = new Option<string>("--scales") { Description = "Comma-separated scales.", DefaultValueFactory = _ => "2,4" };
        // Every family once: Real-CUGAN at its default (conservative) denoise.
        var families = BundledModels.All.Select(m => m.Name).Concat(NcnnModels.All.Where(m => m.Denoise is null or "conservative").Select(m => m.Name));
        var models = new Option<string>("--models") { Description = "Comma-separated models (bundled families, ncnn models or .onnx paths).", DefaultValueFactory = _ => string.Join(",", families) };
        var output = new Option<string?>("--output", "-o") { Description = "Also write the table as Markdown to this file." };
        var command = new Command("sr", "PSNR and SSIM on Y of every model against bicubic and Lanczos, on the standard super-resolution sets.")
        {
            data, sets, scales, models, output,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            static string[] List(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var scaleList = List(parse.GetValue(scales)!).Select(s => int.TryParse(s, out var v) && v > 1 ? v : throw new BurnishException($"--scales: '{s}' is not a whole number above 1")).ToList();
            using var engine = new UpscaleModels(new ModelCache(ModelCache.DefaultRoot()), Device.Cpu, null, new SyncProgress<string>(m => Console.Error.WriteLine(m)));
            var scores = SrQuality.Run(parse.GetValue(data)!, List(parse.GetValue(sets)!), scaleList, List(parse.GetValue(models)!), engine,
                new SyncProgress<string>(Console.Error.WriteLine), cancel);
            var table = SrQuality.Markdown(scores);
            Console.Write(table);
            if (parse.GetValue(output) is { } path) AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(table), overwrite: true);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
