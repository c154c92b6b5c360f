using System.CommandLine;
using Burnish.Backends;
using Burnish.Recipes;

namespace Burnish.Cli.Commands;

/// <summary>
/// The server option <c>outpaint</c> and <c>upscale</c> share: <c>--backend KIND=URL</c> turns the stage's method to
/// diffusion on that server; the stage's own diffusion keys (prompt, seed, …) are options bound to its record.
/// </summary>
internal sealed class DiffusionOptions
{
    public Option<string?> Backend { get; } = new("--backend") { Description = "Run the stage's method diffusion on your own Stable Diffusion server: KIND=URL or NAME=KIND=URL, such as a1111=http://127.0.0.1:7860 (docs/diffusion.md)." };

    /// <summary>The server of --backend, or null without it; throws <see cref="BurnishException"/> when one of <paramref name="serverOnly"/> is given without it.</summary>
    public BackendSpec? Server(ParseResult parse, params Option[] serverOnly)
    {
        var server = parse.GetValue(Backend) is { } b ? BackendSpec.Parse(b) : null;
        if (server is null && serverOnly.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
            throw new BurnishException($"{stray.Name} is for a diffusion server; give --backend KIND=URL too");
        return server;
    }

    /// <summary>The stage keys --backend sets: method diffusion on the named server; none without a server.</summary>
    public static IEnumerable<Setting> Settings(BackendSpec? server) => server is null ? [] :
    [
        Setting.Text("method", "diffusion", "option --backend"),
        Setting.Text("backend", server.Name, "option --backend"),
    ];
}
