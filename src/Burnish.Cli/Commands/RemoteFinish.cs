using Burnish.Pipeline;
using Burnish.Server.Client;

namespace Burnish.Cli.Commands;

/// <summary><c>finish --server URL</c>: the same inputs, recipe and output folder, finished by a running service.</summary>
public static class RemoteFinish
{
    public static async Task<int> RunAsync(string url, string[] inputs, string? recipeFile, string? preset, string outDir, CancellationToken cancel)
    {
        if (recipeFile is not null && preset is not null) throw new BurnishException("give either --recipe or --preset, not both");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new BurnishException($"--server '{url}' is not an http:// or https:// URL");
        var items = InputSet.Expand(inputs, outDir);
        if (items.Count == 0) throw new BurnishException("no images found in the given inputs");
        var recipeText = recipeFile is null ? null : await File.ReadAllTextAsync(recipeFile, cancel);
        using var http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        if (Environment.GetEnvironmentVariable("BURNISH_TOKEN") is { Length: > 0 } token)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        IReadOnlyList<RemoteImage> results;
        try
        {
            results = await new ServiceClient(http).FinishAsync(items, recipeFile is null ? preset ?? Recipes.RecipePresets.Default : null, recipeText, outDir,
                line => Console.Error.WriteLine(line), cancel);
        }
        catch (HttpRequestException e)
        {
            throw new BurnishException($"{url}: {e.Message}");
        }
        foreach (var r in results.Where(r => r.Status != "done"))
            Console.Error.WriteLine($"  {r.Label}: {r.Status}{(r.Error is null ? "" : ": " + r.Error)}");
        var done = results.Count(r => r.Status == "done");
        Console.WriteLine($"{done} finished, {results.Count - done} failed; outputs in {outDir}");
        return done == results.Count ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }
}
