using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Stages;

namespace Burnish.Cli.Commands;

public static class FinishCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders (recursive) or globs.", Arity = ArgumentArity.OneOrMore };
        var recipe = CommonOptions.Recipe();
        var preset = CommonOptions.Preset();
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", DefaultValueFactory = _ => "out" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Images processed in parallel; they share the cores (each gets cores / N threads, at least 1).", DefaultValueFactory = _ => 1 };
        var resume = new Option<bool>("--resume") { Description = "Skip images whose sidecar records success for the same input and recipe." };
        var keep = new Option<bool>("--keep-intermediates") { Description = "Save each stage's result as a 16-bit PNG under NAME/stages/." };
        var report = new Option<bool>("--report") { Description = "Also write NAME.report.html beside each sidecar: the source, every kept intermediate and the master compared." };
        var set = new Option<string[]>("--set")
        {
            Description = "Set a recipe key on top of the recipe or preset, dotted for nested keys: --set grade.exposure=0.3 --set upscale.scale=4 (repeatable).",
            HelpName = "KEY=VALUE",
        };
        var look = CommonOptions.Look();
        var maxPixels = CommonOptions.MaxPixels();
        var stageTimeout = CommonOptions.StageTimeout();
        var maxMemory = CommonOptions.MaxMemoryMb();
        var followLinks = new Option<bool>("--follow-links") { Description = "Follow symbolic links to folders inside input folders (loops are still walked once)." };
        var server = new Option<string?>("--server") { Description = "Finish on a running 'burnish serve' at this URL instead, and download the outputs into -o (token: $BURNISH_TOKEN)." };
        jobs.Check(j => j < 1 ? $"must be at least 1, got {j}" : null);

        var command = new Command("finish", "Finish images with a recipe into a 16-bit wide-gamut master plus destination copies.")
        {
            inputs, recipe, preset, look, set, output, jobs, resume, keep, report, maxPixels, stageTimeout, maxMemory, followLinks, server,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            if (parse.GetValue(server) is { } url)
            {
                // The server reads the recipe it is sent; keys set here would be silently lost.
                if (parse.GetValue(set) is { Length: > 0 } || parse.GetValue(look) is not null)
                    throw new BurnishException("--set and --look cannot be used with --server; put the keys in the recipe");
                return await RemoteFinish.RunAsync(url, parse.GetValue(inputs)!, parse.GetValue(recipe), parse.GetValue(preset), parse.GetValue(output)!, cancel);
            }
            var budget = CommonOptions.Budget(parse, stageTimeout, maxMemory, parse.GetValue(jobs));
            var source = CommonOptions.LoadRecipe(parse.GetValue(recipe), parse.GetValue(preset), parse.GetValue(look), parse.GetValue(set));
            var outDir = parse.GetValue(output)!;
            var items = InputSet.Expand(parse.GetValue(inputs)!, outDir, parse.GetValue(followLinks));
            if (items.Count == 0) throw new BurnishException("no images found in the given inputs");
            var limits = new LoadLimits(parse.GetValue(maxPixels));
            // Every stage is prepared once for the whole batch (the first run fetches and converts the bundled models),
            // so a bad LUT, mask or model fails here, before any image is touched.
            // Images at once share the cores: -j 2 on two cores gives each image one libvips (process-wide) and one ONNX Runtime thread.
            var threads = StageResources.ThreadsFor(parse.GetValue(jobs));
            NetVips.NetVips.Concurrency = threads;
            using var resources = StageResources.ForProcess(limits, new SyncProgress<string>(m => Console.Error.WriteLine(m)), threads);
            using var prepared = PreparedRecipe.Prepare(source, resources);
            var options = new FinishOptions(limits, parse.GetValue(keep), parse.GetValue(resume), Budget: budget);
            var request = new BatchRequest(items, outDir, prepared, options, parse.GetValue(jobs));
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
