using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Burnish.Server.Api;

/// <summary>
/// The studio: a page at <c>/</c> and its script and style under <c>/studio/</c>, embedded in this assembly (plain
/// JS/CSS, no build step). It talks only to the public /v1 API. Served with a Content-Security-Policy that allows
/// nothing but this origin: no inline script, no CDN, no remote font.
/// </summary>
public static class StudioPage
{
    /// <summary>The policy of every studio response; blob: is for thumbnails of files the user picked (never uploaded for them).</summary>
    public const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'";

    private const string Prefix = "Burnish.Server.Studio.";

    /// <summary>The embedded assets by file name (index.html, studio.js, studio.css, …).</summary>
    public static IReadOnlyList<string> Assets { get; } =
        [.. typeof(StudioPage).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..])];

    public static byte[] Asset(string name)
    {
        using var stream = typeof(StudioPage).Assembly.GetManifestResourceStream(Prefix + name) ?? throw new FileNotFoundException(name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Serve(http, "index.html")).ExcludeFromDescription();
        app.MapGet("/studio/{name}", (string name, HttpContext http) => Serve(http, name)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, string name)
    {
        // Only names that are embedded: no client text becomes a path.
        if (!Assets.Contains(name)) return Problems.NotFound($"studio file {name}");
        Secure(http.Response);
        http.Response.Headers.CacheControl = "no-cache";
        var type = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return Results.Bytes(Asset(name), type);
    }

    /// <summary>The headers every studio page gets.</summary>
    public static void Secure(HttpResponse response, string policy = Policy)
    {
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
