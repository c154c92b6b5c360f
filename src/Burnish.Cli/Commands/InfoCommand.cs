using System.CommandLine;
using System.Text.Json;
using Burnish.Imaging;
using Burnish.Pipeline;

namespace Burnish.Cli.Commands;

public static class InfoCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "An image file." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("info", "Print size, bit depth, colour profile, alpha and generation parameters.") { image, json, maxPixels };
        command.SetAction((parse, _) => CommonOptions.Guard(parse, () =>
        {
            var path = parse.GetValue(image)!;
            var (facts, metadata) = ImageLoader.Inspect(path, new LoadLimits(parse.GetValue(maxPixels)));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { file = path, info = facts, generation = metadata.Generation,
                    text_chunks = metadata.TextChunks.Select(c => c.Key), exif = metadata.Exif is not null, xmp = metadata.Xmp is not null }, Lineage.Json));
                return Task.FromResult(ExitCodes.Ok);
            }
            Console.WriteLine($"file:        {path}");
            Console.WriteLine($"format:      {facts.Format}");
            Console.WriteLine($"size:        {facts.Width}×{facts.Height}");
            Console.WriteLine($"bit depth:   {facts.BitDepth}");
            Console.WriteLine($"channels:    {facts.Bands} ({(facts.Bands < 3 ? "grey" : "RGB")}{(facts.HasAlpha ? " + alpha" : "")})");
            Console.WriteLine($"alpha:       {(facts.HasAlpha ? "yes" : "no")}");
            Console.WriteLine($"profile:     {facts.ColourProfile}{(facts.ProfileEmbedded ? " (embedded)" : "")}");
            if (facts.Orientation != 1) Console.WriteLine($"orientation: EXIF {facts.Orientation} (applied on load)");
            Console.WriteLine($"metadata:    {string.Join(", ", new[] { metadata.Exif is null ? null : "EXIF", metadata.Xmp is null ? null : "XMP" }.Concat(metadata.TextChunks.Select(c => c.Key)).OfType<string>().DefaultIfEmpty("none"))}");
            if (metadata.Generation is { } g)
            {
                Console.WriteLine($"generator:   {g.Tool}");
                void Line(string label, object? value) { if (value is not null) Console.WriteLine($"  {label,-10} {value}"); }
                Line("prompt:", g.Prompt);
                Line("negative:", g.NegativePrompt);
                Line("seed:", g.Seed);
                Line("model:", g.Model);
                Line("sampler:", g.Sampler);
                Line("scheduler:", g.Scheduler);
                Line("steps:", g.Steps);
                Line("cfg:", g.CfgScale);
                if (g.Width is not null) Line("size:", $"{g.Width}×{g.Height}");
            }
            else
            {
                Console.WriteLine("generator:   no generation parameters found");
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
