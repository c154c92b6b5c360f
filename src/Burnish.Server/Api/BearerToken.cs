using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Burnish.Server.Api;

/// <summary>
/// With a token, every request needs <c>Authorization: Bearer TOKEN</c>; the comparison takes the same time whatever
/// matches. A browser cannot put that header on a page load, an image, a frame or an <c>EventSource</c>, so the studio
/// signs in once (<c>POST /v1/session</c> with the header) and gets a session cookie: HttpOnly, SameSite=Strict,
/// derived from the token (an HMAC, so it does not reveal it, and every server with the token accepts it). The
/// studio's own files are public, so the page can ask for the token; they hold no data.
/// </summary>
public sealed class BearerToken(string token)
{
    public const string CookieName = "burnish_session";

    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    private readonly string session = Base64Url(HMACSHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(token)), "burnish studio session v1"u8));

    public bool Allows(HttpRequest request) => HasBearer(request) || HasSession(request);

    private bool HasBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        // Hashing first makes both sides the same length, so FixedTimeEquals leaks neither length nor prefix.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private bool HasSession(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var cookie) || cookie is null) return false;
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(cookie)), SHA256.HashData(Encoding.UTF8.GetBytes(session)))) return false;
        // SameSite does not tell two ports of one host apart: a change must also come from this origin.
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) return true;
        return Uri.TryCreate(request.Headers.Origin.ToString(), UriKind.Absolute, out var origin)
            && string.Equals(origin.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    public async Task Guard(HttpContext http, RequestDelegate next)
    {
        if (IsStudioFile(http.Request.Path) || Allows(http.Request))
        {
            await next(http);
            return;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Status(StatusCodes.Status401Unauthorized, "this server needs 'Authorization: Bearer <token>'").ExecuteAsync(http);
    }

    /// <summary>The studio page and its script, style and icon: the same for everyone, and what asks for the token.</summary>
    private static bool IsStudioFile(PathString path) => path == "/" || (path.StartsWithSegments("/studio", out var rest) && rest.Value is { Length: > 1 } name && name.IndexOf('/', 1) < 0);

    /// <summary>
    /// <c>POST /v1/session</c> signs a browser in (the guard has already checked its bearer header) and
    /// <c>DELETE /v1/session</c> signs it out. Without a token there is nothing to sign in to: both answer 204.
    /// </summary>
    public static void MapSession(IEndpointRouteBuilder app, BearerToken? bearer)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/session", (HttpContext http) =>
        {
            if (bearer is not null)
                http.Response.Cookies.Append(CookieName, bearer.session, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = http.Request.IsHttps, IsEssential = true,
                });
            return Results.NoContent();
        }).DisableAntiforgery().WithSummary("Signs a browser in: with a valid bearer header, sets the studio's session cookie (HttpOnly, SameSite=Strict).");
        v1.MapDelete("/session", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
            return Results.NoContent();
        }).WithSummary("Signs a browser out: clears the session cookie.");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
