using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Report;
using Burnish.Stages;

namespace Burnish.Cli.Commands;

public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", DefaultValueFactory = _ => "out" };
        var look = CommonOptions.Look();
        var command = new Command("demo", $"Finish the sample generations that ship with Burnish with the default recipe ({RecipePresets.Default}), and write a before/after report for each.") { output, look };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            var samples = Path.Combine(AppContext.BaseDirectory, "samples");
            var outDir = parse.GetValue(output)!;
            var items = InputSet.Expand([samples], outDir);
            if (items.Count == 0) throw new BurnishException($"{samples}: no sample images (reinstall Burnish)");
            using var resources = StageResources.ForProcess(LoadLimits.Default, new SyncProgress<string>(m => Console.Error.WriteLine(m)));
            using var prepared = PreparedRecipe.Prepare(CommonOptions.LoadRecipe(null, null, parse.GetValue(look), null), resources);
            var request = new BatchRequest(items, outDir, prepared, FinishOptions.Default with { Resume = true }, Math.Min(2, Environment.ProcessorCount));
            // The first thing a newcomer opens is a before/after: each sample's source against its master.
            var results = await BatchView.RunAsync(request, cancel, r => CompareCommand.ReportFinished(r, FinishOptions.Default.Limits, cancel));
            var code = BatchView.Summarise(results);
            Console.WriteLine($"outputs and sidecars are in {Path.GetFullPath(outDir)}");
            foreach (var sidecar in results.Select(r => r.Sidecar).OfType<string>())
                if (ReportBuilder.FinishedReportPath(sidecar) is var report && File.Exists(report))
                    Console.WriteLine($"before/after: {Path.GetFullPath(report)}");
            return code;
        }));
        return command;
    }
}
