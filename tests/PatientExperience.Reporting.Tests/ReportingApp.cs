using System.Net.Http.Headers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Reporting.Projections;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Testing;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// The reporting service in memory: its real HTTP and gRPC pipeline, store (in-memory SQLite) and consumer, on the
/// MassTransit test harness, with a clock the test sets. One per test.
/// </summary>
public sealed class ReportingApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "cmVwb3J0aW5nLXRlc3RzLXNpZ25pbmcta2V5LTMyLWJ5dGVzISE=";

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private Action<IServiceCollection>? _testServices;

    private ReportingApp(DateTimeOffset now, IReadOnlyDictionary<string, string?> settings)
    {
        Clock = new FakeTimeProvider(now);
        _settings = settings;
    }

    /// <summary>1 April 2026, 12:00 UTC (a Wednesday): after the March the tests report on.</summary>
    public static readonly DateTimeOffset AfterMarch = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; }

    /// <param name="now">The clock's start (default <see cref="AfterMarch"/>).</param>
    /// <param name="settings">Configuration on top of the test defaults.</param>
    /// <param name="testServices">More test registrations, after the service's own (the security sweeps' store-write recorder).</param>
    public static ReportingApp Create(DateTimeOffset? now = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? testServices = null)
    {
        var app = new ReportingApp(now ?? AfterMarch, settings ?? new Dictionary<string, string?>()) { _testServices = testServices };
        _ = app.Services; // start the host (and the bus)
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:InMemory", "true");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddMassTransitTestHarness(x =>
            {
                x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseMessageRetry(r => r.Intervals(20, 50, 100, 200, 400)));
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            });
            _testServices?.Invoke(services);
        });
    }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public ReportingStore Store => Services.GetRequiredService<ReportingStore>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Publishes the events in order, each as a message of its own, and waits until the service has consumed every one.</summary>
    public async Task PublishAndAwaitAsync(IEnumerable<object> events)
    {
        var ids = new HashSet<Guid>();
        foreach (var e in events)
        {
            var id = NewId.NextGuid();
            ids.Add(id);
            await Harness.Bus.Publish(e, e.GetType(), c => c.MessageId = id, Ct);
        }

        await Eventually.UntilAsync(() => Task.FromResult(Harness.Consumed.Select(_ => true, new CancellationToken(canceled: true))
                .Count(m => m.Context.MessageId is { } id && ids.Contains(id) && m.Exception is null) >= ids.Count),
            TimeSpan.FromSeconds(30), $"the reporting service to project {ids.Count} events", Ct);
        Assert.False(Harness.Consumed.Select(m => m.Exception is not null, new CancellationToken(canceled: true)).Any(), "no event faulted");
    }

    public static string TokenFor(string role, params string[] facilities) =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = SigningKey }, $"test-{role}", role, facilities, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public HttpClient ClientFor(string role, params string[] facilities)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(role, facilities));
        return client;
    }
}
