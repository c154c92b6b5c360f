using System.CommandLine;
using Burnish.Backends;
using Burnish.Schema;

namespace Burnish.Cli.Commands;

/// <summary><c>burnish backends check KIND=URL</c>: asks a diffusion server what it has and says what Burnish can do with it.</summary>
public static class BackendsCommand
{
    public static Command Create()
    {
        var server = new Argument<string>("server") { Description = "KIND=URL, such as a1111=http://127.0.0.1:7860 or comfyui=http://127.0.0.1:8188 (user:password@ in the URL for basic auth)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each answer.", DefaultValueFactory = _ => 30 };
        var check = new Command("check", "Ask a diffusion server for its version, checkpoints, samplers and upscalers, and say what Burnish can do with it.") { server, timeout };
        check.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            var spec = BackendSpec.Parse(parse.GetValue(server)!) with { Timeout = parse.GetValue(timeout), Retries = 0 };
            using var clients = new BackendClients();
            var capabilities = await clients.For(spec).CapabilitiesAsync(cancel);
            Console.WriteLine($"server:      {spec.PublicUrl} ({Names.EnumValue(spec.Kind)}, version {capabilities.Version})");
            Console.WriteLine($"checkpoint:  {capabilities.CurrentCheckpoint ?? "not said"}");
            Console.WriteLine($"checkpoints: {capabilities.Checkpoints.Count}");
            foreach (var c in capabilities.Checkpoints) Console.WriteLine($"  {c.Title}");
            Console.WriteLine($"samplers:    {string.Join(", ", capabilities.Samplers)}");
            Console.WriteLine($"upscalers:   {string.Join(", ", capabilities.Upscalers)}");
            if (spec.Kind == BackendKind.Comfyui)
            {
                var missing = Burnish.Backends.ComfyUi.ComfyUiClient.Nodes.Where(n => !capabilities.Nodes.Contains(n)).ToList();
                Console.WriteLine(missing.Count == 0 ? $"nodes:       {capabilities.Nodes.Count}, with every node of Burnish's graph"
                    : $"nodes:       {capabilities.Nodes.Count}; missing {string.Join(", ", missing)}: Burnish's own graph cannot run, a graph of your own (diffusion.graph) without them can");
            }
            else
                Console.WriteLine("api:         /sdapi/v1 img2img, /internal/progress, /interrupt");
            Console.WriteLine("burnish can: repair, outpaint and upscale with method: diffusion (inpainting of the masked region, of each new band, img2img of each tile)");
            Console.WriteLine(spec.Kind == BackendKind.A1111
                ? "             repair with method: restore (GFPGAN or CodeFormer through /sdapi/v1/extra-single-image, when the server has them installed)"
                : "             not method: restore (ComfyUI's core nodes have no face restorer)");
            if (capabilities.Checkpoints.Count == 0) Console.WriteLine("warning: the server lists no checkpoint; img2img will fail until one is installed");
            return ExitCodes.Ok;
        }));
        return new Command("backends", "Diffusion servers: check what one offers.") { check };
    }
}
