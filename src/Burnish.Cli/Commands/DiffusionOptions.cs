using System.CommandLine;
using System.Globalization;
using Burnish.Backends;

namespace Burnish.Cli.Commands;

/// <summary>
/// The server options <c>outpaint</c> and <c>upscale</c> share: <c>--backend KIND=URL</c> turns the stage's method to
/// diffusion on that server, and the text and seed options become the stage's diffusion keys (checked as the recipe's).
/// </summary>
internal sealed class DiffusionOptions
{
    public Option<string?> Backend { get; } = new("--backend") { Description = "Run the stage's method diffusion on your own Stable Diffusion server: KIND=URL or NAME=KIND=URL, such as a1111=http://127.0.0.1:7860 (docs/diffusion.md)." };
    public Option<string?> Prompt { get; } = new("--prompt") { Description = "With --backend: text put before the image's own prompt." };
    public Option<string?> Negative { get; } = new("--negative") { Description = "With --backend: text put before the image's own negative prompt." };

    public IEnumerable<Option> All => [Backend, Prompt, Negative];

    /// <summary>The server of --backend, or null without it; throws <see cref="BurnishException"/> when a diffusion option is given without it.</summary>
    public BackendSpec? Server(ParseResult parse, params Option[] others)
    {
        var server = parse.GetValue(Backend) is { } b ? BackendSpec.Parse(b) : null;
        if (server is null && All.Concat(others).Skip(1).FirstOrDefault(o => parse.GetResult(o) is not null) is { } stray)
            throw new BurnishException($"{stray.Name} is for a diffusion server; give --backend KIND=URL too");
        return server;
    }

    /// <summary>The stage keys for <paramref name="server"/>: method, backend, prompt, negative, and the seed when given.</summary>
    public IEnumerable<string> Settings(ParseResult parse, BackendSpec server, int? seed)
    {
        yield return "method=diffusion";
        yield return $"backend={ImageOutput.Quote(server.Name)}";
        if (parse.GetValue(Prompt) is { } prompt) yield return $"prompt={ImageOutput.Quote(prompt)}";
        if (parse.GetValue(Negative) is { } negative) yield return $"negative={ImageOutput.Quote(negative)}";
        if (seed is { } s) yield return $"diffusion.seed={s.ToString(CultureInfo.InvariantCulture)}";
    }
}
