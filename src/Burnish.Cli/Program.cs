using System.CommandLine;
using Burnish;
using Burnish.Cli;
using Burnish.Cli.Commands;

// libvips' operation cache would hold every image of a batch; a finishing run never repeats an operation.
NetVips.Cache.Max = 0;
NetVips.Cache.MaxFiles = 0;

var root = new RootCommand("Burnish: finishing for AI-generated images (repair → outpaint → upscale → cleanup → grade → sharpen → export).")
{
    FinishCommand.Create(),
    ExportCommand.Create(),
    GradeCommand.Create(),
    RepairCommand.Create(),
    UpscaleCommand.Create(),
    OutpaintCommand.Create(),
    BenchCommand.Create(),
    CompareCommand.Create(),
    InfoCommand.Create(),
    RecipeCommand.Create(),
    DemoCommand.Create(),
    ModelsCommand.Create(),
    BackendsCommand.Create(),
    MasksCommand.Create(),
    ServeCommand.Create(),
    ServeCommand.CreateWorker(),
};
root.Add(CommonOptions.Verbose);
Burnish.Cli.CommandLine.Prepare(root);

var parse = root.Parse(args);
// Bare `burnish` shows the help; it still could not start anything.
if (args.Length == 0)
{
    await root.Parse(["--help"]).InvokeAsync();
    return ExitCodes.BadInput;
}
// A bad command line is one line per problem and a usage line, exit 2, before anything runs.
if (Burnish.Cli.CommandLine.Problems(parse) is { Count: > 0 } problems)
{
    foreach (var problem in problems) Console.Error.WriteLine($"burnish: {problem}");
    Console.Error.WriteLine(Burnish.Cli.CommandLine.Usage(parse.CommandResult.Command));
    return ExitCodes.BadInput;
}
// libvips prints decoder warnings straight to stderr; Burnish reports problems itself, one line each.
var quietVips = parse.GetValue(CommonOptions.Verbose) ? 0u : NetVips.Log.SetLogHandler("VIPS", NetVips.Enums.LogLevelFlags.Warning, (_, _, _) => { });
try
{
    return await parse.InvokeAsync();
}
catch (BurnishException e)
{
    Console.Error.WriteLine($"burnish: {e.Message}");
    return ExitCodes.BadInput;
}
finally
{
    if (quietVips != 0) NetVips.Log.RemoveLogHandler("VIPS", quietVips);
}
