using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PatientExperience.Testing;

[assembly: AssemblyFixture(typeof(PatientExperience.Browser.Tests.BrowserPlatform))]

namespace PatientExperience.Browser.Tests;

/// <summary>
/// Once per test assembly: the standalone host (every service, the gateway and the web front end in one process; Development,
/// in-memory transport, SQLite files in a temporary folder, free ports) and a headless Chromium driven by Playwright. When
/// Chromium is not installed every browser test skips with the reason (CI installs it: .ci/run).
/// </summary>
public sealed class BrowserPlatform : IAsyncLifetime
{
    /// <summary>Debian's Chromium (<c>apt-get install -y chromium</c>); <c>PXP_CHROMIUM</c> names another.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("PXP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-browser-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _gateway = ServiceProcess.FreeTcpPort();
    private readonly int _services = ServiceProcess.FreeTcpPort();
    private readonly int _grpc = ServiceProcess.FreeTcpPort();
    private IPlaywright? _playwright;

    public Uri Gateway => new($"http://localhost:{_gateway}");

    public ServiceProcess? Standalone { get; private set; }

    public IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here (null when they can).</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Where screenshots go (CI keeps TestResults as artefacts).</summary>
    public static string ScreenshotFolder => Path.Combine(RepositoryPaths.Root, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            SkipReason = $"Chromium is not installed at {ChromiumPath} (apt-get install -y chromium).";
            return;
        }

        var ct = TestContext.Current.CancellationToken;
        Standalone = ServiceProcess.Start("PatientExperience.Standalone", new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Standalone__GatewayPort"] = _gateway.ToString(CultureInfo.InvariantCulture),
            ["Standalone__ServicesPort"] = _services.ToString(CultureInfo.InvariantCulture),
            ["Standalone__GrpcPort"] = _grpc.ToString(CultureInfo.InvariantCulture),
            ["Storage__DataDirectory"] = _data,
            ["ConnectionStrings__rabbitmq"] = null,
            ["ConnectionStrings__mongo"] = null,
            // Every page and API call of the tests comes from one address: the public per-client limit would stop them.
            ["Gateway__PublicPermitLimit"] = "100000",
            // Whatever the time of day: acknowledgements and invitations are not held back for patients' quiet hours.
            ["Notification__PatientQuietHours__Start"] = "",
            ["Notification__PatientQuietHours__End"] = "",
        }, "standalone");
        await Standalone.WaitUntilReadyAsync(new Uri(Gateway, "/health/ready"), TimeSpan.FromSeconds(90), ct);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>An HTTP client on the gateway; with a development token for <paramref name="role"/> when one is given.</summary>
    public async Task<HttpClient> ApiAsync(string? role = null, string facility = "*")
    {
        var client = new HttpClient { BaseAddress = Gateway };
        if (role is null) return client;
        var token = (await client.GetFromJsonAsync<JsonElement>($"/dev/token?role={role}&facility={facility}", TestContext.Current.CancellationToken))
            .GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Standalone is not null) await Standalone.DisposeAsync();
        try
        {
            if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
