using System.Globalization;
using Burnish.Schema;

namespace Burnish.Backends;

/// <summary>The diffusion server protocols Burnish speaks.</summary>
public enum BackendKind
{
    /// <summary>AUTOMATIC1111 stable-diffusion-webui or Forge, started with --api (the /sdapi/v1 routes).</summary>
    A1111,
    /// <summary>ComfyUI's own server (/prompt, /ws, /history, /view).</summary>
    Comfyui,
}

/// <summary>
/// One named diffusion server (an item of the recipe's <c>backends:</c> list), referred to by name from the passes
/// that use it. Credentials never live in the recipe: <see cref="AuthEnv"/> names an environment variable.
/// </summary>
public sealed record BackendSpec : ISelfValidating
{
    [Doc("The name passes refer to with backend: NAME.")]
    public string Name { get; init; } = "";

    [Doc("The server's protocol: a1111 is AUTOMATIC1111 stable-diffusion-webui or Forge started with --api; comfyui is ComfyUI's own server.")]
    public BackendKind Kind { get; init; } = BackendKind.A1111;

    [Doc("The server's base URL, such as http://127.0.0.1:7860. Credentials in it (http://user:pass@host) are used for basic auth and never written to a sidecar.")]
    public string Url { get; init; } = "";

    [Doc("An environment variable holding USER:PASSWORD for HTTP basic auth (A1111's --api-auth), read when the run starts.")]
    public string? AuthEnv { get; init; }

    [Doc("Requests sent to this server at once, over every image of the run (-j N shares them). A single-GPU server runs one job at a time anyway.")]
    [Range(1, 16)]
    public int Concurrency { get; init; } = 1;

    [Doc("Seconds to wait for a connection before trying again.")]
    [Range(1, 300)]
    public double ConnectTimeout { get; init; } = 10;

    [Doc("Seconds one job may take, from sending it to its result. A job the server accepted and that runs past this is stopped (/interrupt), never sent again.")]
    [Range(1, 86400)]
    public double Timeout { get; init; } = 600;

    [Doc("Tries again, with backoff (0.5 s, 1 s, 2 s …), after a failure that shows the server never took the job (refused connection, a proxy's 502–504 for a job the server does not know). A job the server accepted is never sent twice.")]
    [Range(0, 10)]
    public int Retries { get; init; } = 2;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(Name))
            yield return ("name", "a back-end needs name: the name passes refer to");
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return ("url", $"url '{Url}' is not an http:// or https:// address");
    }

    /// <summary>
    /// Parses the command line's <c>NAME=KIND=URL</c> or <c>KIND=URL</c> (then named after its kind); throws
    /// <see cref="BurnishException"/> with one line when it cannot.
    /// </summary>
    public static BackendSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The URL may itself hold '=' (a query), so the kind is found as the part before "http".
        var urlAt = text.IndexOf("=http", StringComparison.OrdinalIgnoreCase);
        if (urlAt < 0) throw new BurnishException($"--backend '{text}': expected KIND=URL or NAME=KIND=URL, such as a1111=http://127.0.0.1:7860");
        var head = text[..urlAt].Split('=');
        var url = text[(urlAt + 1)..];
        if (head.Length > 2) throw new BurnishException($"--backend '{text}': expected KIND=URL or NAME=KIND=URL");
        var kindText = head[^1];
        if (!Enum.TryParse<BackendKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || kindText.All(char.IsDigit))
            throw new BurnishException($"--backend '{text}': kind '{kindText}' is not one of {string.Join(", ", Enum.GetValues<BackendKind>().Select(k => Names.EnumValue(k)))}");
        var spec = new BackendSpec { Name = head.Length == 2 ? head[0] : Names.EnumValue(kind), Kind = kind, Url = url };
        if (spec.Problems().FirstOrDefault() is { Message: { } problem }) throw new BurnishException($"--backend '{text}': {problem}");
        return spec;
    }

    /// <summary>The URL without user name or password, for sidecars and messages.</summary>
    public string PublicUrl => Redact(Url);

    /// <summary><paramref name="url"/> without its user-info part.</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString().TrimEnd('/')
            : url.TrimEnd('/');

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Names.EnumValue(Kind)} {PublicUrl})");
}
