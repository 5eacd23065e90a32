using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientExperience.Intake.Facilities;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Intake.Tests;

/// <summary>
/// The intake service in memory: its real HTTP pipeline, store (in-memory SQLite), outbox relay and consumers, with the
/// MassTransit test harness as the bus and a fixed facility directory instead of the case service.
/// Records every log message and every activity so tests can check that no PHI leaks into either.
/// </summary>
public sealed class IntakeApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LWZvci1pbnRha2UtdGVzdHMtMzItYnl0ZXM=";
    public const string PhiKey = "dGVzdC1vbmx5LXBoaS1rZXktMzItYnl0ZXMtbG9uZyE=";
    public const string PatientReferenceKey = "dGVzdC1vbmx5LXBhdGllbnQtcmVmZXJlbmNlLWtleS0zMmI=";

    private readonly ActivityListener _listener;

    public IntakeApp()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => Activities.Add(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentBag<Activity> Activities { get; } = [];

    public RecordingLoggerProvider Logs { get; } = new();

    public static FacilityDirectoryStub Directory { get; } = new();

    /// <summary>More test registrations, after the service's own (the security sweeps' store-write recorder).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:InMemory", "true");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Phi:EncryptionKey", PhiKey);
        builder.UseSetting("Intake:CaseGrpcAddress", "http://case.invalid:5112");
        builder.UseSetting("Intake:PatientReferenceKey", PatientReferenceKey);
        builder.UseSetting("Messaging:Outbox:PollIntervalMs", "100");
        builder.ConfigureLogging(l => l.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            services.AddSingleton<IFacilityDirectory>(Directory);
            TestServices?.Invoke(services);
        });
    }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    /// <summary>
    /// Waits for a message the outbox relay publishes. The harness's own <c>Any</c> gives up as soon as the bus looks idle,
    /// and the relay publishes from a background loop, so poll for the message with a deadline instead.
    /// </summary>
    public async Task<T> PublishedAsync<T>(Func<T, bool> match) where T : class
    {
        T? found = null;
        await Eventually.UntilAsync(() => Task.FromResult((found = Harness.Published.Select<T>().Select(m => m.Context.Message).FirstOrDefault(match)) is not null),
            $"a {typeof(T).Name} to be published");
        return found!;
    }

    public HttpClient ClientFor(string role, params string[] facilities)
    {
        var client = CreateClient();
        var token = SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = SigningKey }, $"test-{role}", role, facilities, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>The directory intake would read from the case service: two facilities with departments and units.</summary>
public sealed class FacilityDirectoryStub : IFacilityDirectory
{
    public static readonly FacilityInfo Riverside = new("riverside-general", "Riverside General", [
        new DepartmentInfo("emergency", "Emergency", [new UnitInfo("ed-adult", "Adult ED"), new UnitInfo("ed-peds", "Pediatric ED")]),
        new DepartmentInfo("medicine", "Medicine", [new UnitInfo("4-west", "4 West")]),
    ]);

    public static readonly FacilityInfo Mesa = new("mesa-valley", "Mesa Valley", [new DepartmentInfo("cardiology", "Cardiology", [new UnitInfo("cvicu", "CVICU")])]);

    public Task<FacilityLookup> FindAsync(string facilityId, CancellationToken ct) =>
        Task.FromResult(facilityId switch
        {
            "riverside-general" => new FacilityLookup(true, Riverside),
            "mesa-valley" => new FacilityLookup(true, Mesa),
            _ => new FacilityLookup(false, null),
        });
}

public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, Messages);

    public void Dispose() { }

    private sealed class RecordingLogger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            messages.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
    }
}
