using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;

namespace Burnish.Cli.Commands;

public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", DefaultValueFactory = _ => "out" };
        var command = new Command("demo", $"Finish the sample generations that ship with Burnish, with the default recipe ({RecipePresets.Default}).") { output };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            var samples = Path.Combine(AppContext.BaseDirectory, "samples");
            var outDir = parse.GetValue(output)!;
            var items = InputSet.Expand([samples], outDir);
            if (items.Count == 0) throw new BurnishException($"{samples}: no sample images (reinstall Burnish)");
            using var resources = StageResources.ForProcess(LoadLimits.Default, new SyncProgress<string>(m => Console.Error.WriteLine(m)));
            using var prepared = PreparedRecipe.Prepare(CommonOptions.LoadRecipe(null, null), resources);
            var request = new BatchRequest(items, outDir, prepared, FinishOptions.Default with { Resume = true }, Math.Min(2, Environment.ProcessorCount));
            var code = BatchView.Summarise(await BatchView.RunAsync(request, cancel));
            Console.WriteLine($"outputs and sidecars are in {Path.GetFullPath(outDir)}");
            return code;
        }));
        return command;
    }
}
