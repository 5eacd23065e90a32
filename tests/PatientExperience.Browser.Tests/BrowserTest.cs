using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PatientExperience.Browser.Tests;

/// <summary>
/// The base of every browser test (the patient pages' and the console's): a fresh browser context per test at a given
/// viewport and language, screenshots into TestResults/screenshots, and the axe check.
/// </summary>
public abstract class BrowserTest(BrowserPlatform platform) : IAsyncDisposable
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _requestsBeyondThePlatform = [];

    // Expect's own default is 5 s: a form post answered by the standalone host on a busy 2-core machine can take longer. Expect still
    // returns as soon as the condition holds.
    static BrowserTest() => Assertions.SetDefaultExpectTimeout(15_000);

    protected BrowserPlatform Platform { get; } = platform;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new page (its own cookies) on the gateway; skips the test when the platform cannot run a browser here.</summary>
    protected async Task<IPage> NewPageAsync(ViewportSize? viewport = null, string locale = "en-US")
    {
        if (Platform.SkipReason is { } reason) Assert.Skip(reason);
        var context = await Platform.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Platform.Gateway.ToString(),
            ViewportSize = viewport ?? Desktop,
            Locale = locale,
        });
        context.SetDefaultTimeout(15_000);
        // The pages must work on a hospital network that reaches nothing beyond the gateway (and CI has no internet): a request to
        // any other host is refused at once, so it cannot hold up a page's load, and recorded for the tests to assert on.
        await context.RouteAsync(url => !IsPlatform(url), async route =>
        {
            lock (_requestsBeyondThePlatform) _requestsBeyondThePlatform.Add(new Uri(route.Request.Url).GetLeftPart(UriPartial.Path));
            await route.AbortAsync("blockedbyclient");
        });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>The addresses (without query) of every request a page of this test made to a host other than the platform's.</summary>
    protected IReadOnlyList<string> RequestsBeyondThePlatform
    {
        get { lock (_requestsBeyondThePlatform) return [.. _requestsBeyondThePlatform]; }
    }

    private bool IsPlatform(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss")
        || uri.IsLoopback || string.Equals(uri.Host, Platform.Gateway.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>A full-page screenshot as <c>TestResults/screenshots/{name}.png</c>.</summary>
    protected static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserPlatform.ScreenshotFolder, $"{name}.png"), FullPage = true });

    /// <summary>Runs axe (WCAG 2.0-2.2 A and AA rules) on the page; fails on any serious or critical violation, naming each.</summary>
    protected static async Task AssertNoSeriousAccessibilityViolationsAsync(IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe found serious or critical violations on {what}:\n" + string.Join("\n", serious.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
    }

    /// <summary>Presses Tab until the element with <paramref name="id"/> has the focus (keyboard only); fails after <paramref name="most"/> presses.</summary>
    protected static async Task TabToAsync(IPage page, string id, int most = 60)
    {
        for (var i = 0; i < most; i++)
        {
            if (await page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id") == id) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"#{id} never got the focus after {most} presses of Tab.");
    }

    protected static async Task<string?> FocusedIdAsync(IPage page) =>
        await page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id");

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts) await context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
