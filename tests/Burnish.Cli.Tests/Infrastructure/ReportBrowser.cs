using Microsoft.Playwright;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>
/// A report open in Debian's headless Chromium, driven by Playwright for .NET (its bundled driver; no browser
/// download: <c>scripts/prerequisites.sh</c> installs <c>chromium</c>). Records everything that would mean the page is
/// broken or not self-contained: console errors, script exceptions, failed requests, and any request that is not a
/// file or data URL.
/// </summary>
public sealed class ReportBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private ReportBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") Problems.Add($"console error: {m.Text}"); };
        page.PageError += (_, e) => Problems.Add($"script error: {e}");
        page.RequestFailed += (_, r) => Problems.Add($"request failed: {Short(r.Url)} ({r.Failure})");
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith("file:", StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal))
                Problems.Add($"network request: {Short(r.Url)}");
        };
    }

    public IPage Page { get; }

    /// <summary>Every problem seen so far; a working, self-contained page leaves this empty.</summary>
    public List<string> Problems { get; } = [];

    public static async Task<ReportBrowser> OpenAsync(string htmlPath, int width = 900, int height = 800)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/prerequisites.sh (it installs Debian's chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height }, DeviceScaleFactor = 1 });
        var session = new ReportBrowser(playwright, browser, page);
        await page.GotoAsync(new Uri(htmlPath).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        return session;
    }

    /// <summary>Every &lt;img&gt; on the page: how many there are, and the ones not loaded (complete with a natural width).</summary>
    public async Task<(int Count, string[] NotLoaded)> ImagesAsync()
    {
        var count = await Page.EvaluateAsync<int>("() => document.images.length");
        var broken = await Page.EvaluateAsync<string[]>(
            "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt || i.src.slice(0, 60))");
        return (count, broken);
    }

    private static string Short(string url) => url.Length > 80 ? url[..80] + "…" : url;

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}
