namespace Burnish.Backends;

/// <summary>What the HTTP clients of the back-ends share: backoff, credentials and the reason a request failed.</summary>
internal static class BackendHttp
{
    /// <summary>0.5 s, 1 s, 2 s … before try <paramref name="attempt"/> + 1.</summary>
    public static Task Backoff(int attempt, CancellationToken cancel) => Task.Delay(TimeSpan.FromMilliseconds(500 * (1 << Math.Min(attempt, 6))), cancel);

    /// <summary>The innermost message of a failed request, on one line.</summary>
    public static string Reason(Exception e) => (e.InnerException?.Message ?? e.Message).ReplaceLineEndings(" ");

    /// <summary>USER:PASSWORD from the spec's auth_env, else from the URL, else null.</summary>
    public static string? Credentials(BackendSpec spec, Uri uri)
    {
        if (spec.AuthEnv is { } name)
            return Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
                : throw new BurnishException($"back-end {spec}: auth_env {name} is not set; it should hold USER:PASSWORD");
        return uri.UserInfo.Length > 0 ? Uri.UnescapeDataString(uri.UserInfo) : null;
    }
}
