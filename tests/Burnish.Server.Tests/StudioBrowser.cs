using Microsoft.Playwright;

namespace Burnish.Server.Tests;

/// <summary>
/// The studio open in Debian's headless Chromium, driven by Playwright for .NET (its bundled driver; no browser
/// download: <c>scripts/prerequisites.sh --tests</c> installs <c>chromium</c>). Records what would mean the page is
/// broken or leaks: console errors, script exceptions, failed requests, and every request that leaves the origin.
/// </summary>
public sealed class StudioBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private StudioBrowser(IPlaywright playwright, IBrowser browser, IPage page, Uri origin)
    {
        (this.playwright, this.browser, Page) = (playwright, browser, page);
        var root = origin.GetLeftPart(UriPartial.Authority);
        page.Console += (_, m) => { if (m.Type == "error") Problems.Add($"console error: {m.Text}"); };
        page.PageError += (_, e) => Problems.Add($"script error: {e}");
        page.RequestFailed += (_, r) =>
        {
            // A closed event stream or an image replaced while loading is the page working, not failing.
            if (r.Failure is not ("net::ERR_ABORTED")) Problems.Add($"request failed: {r.Url} ({r.Failure})");
        };
        page.Request += (_, r) =>
        {
            Requests.Add(r.Url);
            if (!r.Url.StartsWith(root + "/", StringComparison.Ordinal) && !r.Url.StartsWith("blob:" + root + "/", StringComparison.Ordinal)
                && !r.Url.StartsWith("data:", StringComparison.Ordinal))
                Problems.Add($"request left the origin: {r.Url}");
        };
    }

    public IPage Page { get; }

    /// <summary>Every problem seen so far; a working page that stays on its origin leaves this empty.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Every URL the page (and its frames) requested.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>Opens the studio; <paramref name="ready"/>: wait until it has loaded what the API offers (not for a server that first asks for its token).</summary>
    public static async Task<StudioBrowser> OpenAsync(Uri origin, int width = 1366, int height = 768, bool ready = true)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/prerequisites.sh --tests (it installs Debian's chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height }, DeviceScaleFactor = 1, AcceptDownloads = true });
        page.SetDefaultTimeout(30_000);
        var session = new StudioBrowser(playwright, browser, page, origin);
        await page.GotoAsync(origin.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        if (ready) await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'Ready'");
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}
