using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace Burnish.Server.Tests;

/// <summary>
/// The studio on a service with <c>--token</c>: the page asks for the token, signs in once with it as the bearer
/// header, and its images, frames, downloads and event stream then carry the session cookie the server set. The
/// cookie is HttpOnly and SameSite=Strict, does not contain the token, and a change sent with it from another origin
/// (or with no origin) is refused.
/// </summary>
public sealed class StudioTokenTests
{
    private const string Token = "studio-s3cret";

    [Fact]
    public async Task The_session_cookie_stands_in_for_the_bearer_header_only_from_this_origin()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0, token: Token);
        var address = host.Client.BaseAddress!;
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = address };
        // The page itself is public (it asks for the token); the API is not.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/studio/studio.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/presets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/studio/../v1/presets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/v1/session", null)).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/v1/session") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token + "x") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(wrong)).StatusCode);
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/v1/session") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var signed = await browser.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.NoContent, signed.StatusCode);
        var setCookie = signed.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, setCookie);

        // Reads with the cookie alone work; a change needs this origin.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/v1/presets")).StatusCode);
        HttpRequestMessage Validate(string? origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/recipes/validate") { Content = new StringContent("version: 1\n") };
            if (origin is not null) request.Headers.Add("Origin", origin);
            return request;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(Validate(null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(Validate($"http://127.0.0.1:{address.Port + 1}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(Validate(address.GetLeftPart(UriPartial.Authority)))).StatusCode);

        // A forged cookie is nothing.
        using var forged = new HttpClient { BaseAddress = address };
        forged.DefaultRequestHeaders.Add("Cookie", "burnish_session=" + Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/v1/presets")).StatusCode);

        // Signed out: the cookie is gone.
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/v1/session") { Headers = { { "Origin", address.GetLeftPart(UriPartial.Authority) } } };
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(signOut)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/presets")).StatusCode);
    }

    [Fact]
    public async Task The_studio_asks_for_the_token_then_runs_a_job_and_follows_its_events()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1, token: Token);
        await using var studio = await StudioBrowser.OpenAsync(host.Client.BaseAddress!, ready: false);
        var page = studio.Page;
        await page.WaitForSelectorAsync("#sign-in");
        Assert.Equal("This server needs its token", await page.InnerTextAsync("#status"));
        await StudioBrowserTests.NoSeriousViolationsAsync(page, "sign-in");
        await page.FillAsync("#token", "not-it");
        await page.ClickAsync("#sign-in button");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'That token was refused'");
        await page.FillAsync("#token", Token);
        await page.ClickAsync("#sign-in button");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'Ready'");
        Assert.True(await page.IsHiddenAsync("#sign-in"));

        await StudioBrowserTests.AddImagesAsync(page, ServiceHost.Fixture("a1111-parameters.png"));
        await StudioBrowserTests.ChooseLightFinishAsync(page);
        // The preview is an <img>: it loads with the cookie.
        await page.WaitForFunctionAsync("() => document.getElementById('preview-facts').textContent.includes('look warm-golden') && document.getElementById('preview').naturalWidth > 0");
        await page.ClickAsync("#run");
        // Progress comes by the EventSource, which cannot send a header: the cookie carries it.
        await page.WaitForSelectorAsync(".job-status.done", new() { Timeout = (float)ServiceHost.JobTimeout.TotalMilliseconds });
        await page.Locator(".job-image.done button").First.ClickAsync();
        await page.FrameLocator("#compare").Locator("#divider").WaitForAsync();
        // The failed requests before signing in were the page asking; nothing else went wrong.
        studio.Problems.RemoveAll(p => p.StartsWith("console error: Failed to load resource: the server responded with a status of 401", StringComparison.Ordinal));
        Assert.True(studio.Problems.Count == 0, string.Join("\n", studio.Problems));
        Assert.Contains(studio.Requests, r => r.EndsWith("/events", StringComparison.Ordinal));
    }
}
