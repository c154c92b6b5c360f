using System.CommandLine;
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Pipeline;
using Burnish.Stages.Upscale;

namespace Burnish.Cli.Commands;

public static class FinishCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders (recursive) or globs.", Arity = ArgumentArity.OneOrMore };
        var recipe = CommonOptions.Recipe();
        var preset = CommonOptions.Preset();
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", DefaultValueFactory = _ => "out" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Images processed in parallel.", DefaultValueFactory = _ => 1 };
        var resume = new Option<bool>("--resume") { Description = "Skip images whose sidecar records success for the same input and recipe." };
        var keep = new Option<bool>("--keep-intermediates") { Description = "Save each stage's result as a 16-bit PNG under NAME/stages/." };
        var report = new Option<bool>("--report") { Description = "Also write NAME.report.html beside each sidecar: the source, every kept intermediate and the master compared." };
        var set = new Option<string[]>("--set")
        {
            Description = "Set a recipe key on top of the recipe or preset, dotted for nested keys: --set grade.exposure=0.3 --set upscale.scale=4 (repeatable).",
            HelpName = "KEY=VALUE",
        };
        var maxPixels = CommonOptions.MaxPixels();
        jobs.Check(j => j < 1 ? $"must be at least 1, got {j}" : null);

        var command = new Command("finish", "Finish images with a recipe into a 16-bit wide-gamut master plus destination copies.")
        {
            inputs, recipe, preset, set, output, jobs, resume, keep, report, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            var source = CommonOptions.LoadRecipe(parse.GetValue(recipe), parse.GetValue(preset), parse.GetValue(set) ?? []);
            var outDir = parse.GetValue(output)!;
            var items = InputSet.Expand(parse.GetValue(inputs)!, outDir);
            if (items.Count == 0) throw new BurnishException("no images found in the given inputs");
            // One set of model sessions for the whole batch; the first run fetches and converts the bundled models.
            using var models = source.Recipe.Upscale is { } upscale
                ? new UpscaleModels(new ModelCache(ModelCache.DefaultRoot()), upscale.Device, upscale.Threads, new SyncProgress<string>(m => Console.Error.WriteLine(m)))
                : null;
            var options = new FinishOptions(new LoadLimits(parse.GetValue(maxPixels)), parse.GetValue(keep), parse.GetValue(resume), Models: models);
            var request = new BatchRequest(items, outDir, source, options, parse.GetValue(jobs));
            var reportsFailed = 0;
            Func<FinishResult, string?>? afterEach = parse.GetValue(report) ? r =>
            {
                var problem = CompareCommand.ReportFinished(r, options.Limits, cancel);
                if (problem is not null) Interlocked.Increment(ref reportsFailed);
                return problem;
            } : null;
            try
            {
                var exit = BatchView.Summarise(await BatchView.RunAsync(request, cancel, afterEach));
                return exit == ExitCodes.Ok && reportsFailed > 0 ? ExitCodes.SomeFailed : exit;
            }
            catch (BatchCancelledException e)
            {
                BatchView.Summarise(e.Results);
                throw;
            }
        }));
        return command;
    }
}
