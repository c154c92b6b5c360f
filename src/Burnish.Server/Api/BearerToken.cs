using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Burnish.Server.Api;

/// <summary>With a token, every request needs <c>Authorization: Bearer TOKEN</c>; the comparison takes the same time whatever matches.</summary>
public sealed class BearerToken(string token)
{
    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool Allows(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        // Hashing first makes both sides the same length, so FixedTimeEquals leaks neither length nor prefix.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    public async Task Guard(HttpContext http, RequestDelegate next)
    {
        if (Allows(http.Request))
        {
            await next(http);
            return;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Status(StatusCodes.Status401Unauthorized, "this server needs 'Authorization: Bearer <token>'").ExecuteAsync(http);
    }
}
