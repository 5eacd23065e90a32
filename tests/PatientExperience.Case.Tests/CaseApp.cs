using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Intake;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The case service in memory: its real HTTP and gRPC pipeline, store (in-memory SQLite unless <see cref="DataDirectory"/> is
/// set), outbox relay and consumer, the demo health system seeded, and the MassTransit test harness as the bus.
/// </summary>
public sealed class CaseApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LWZvci1jYXNlLXNlcnZpY2UtdGVzdHMtMzI=";
    public const string PhiKey = "Y2FzZS10ZXN0cy1waGkta2V5LTMyLWJ5dGVzLWxvbmc=";
    public const string PublicBaseUrl = "https://patients.test";

    /// <summary>SQLite files in this folder instead of a private in-memory database (restart tests).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The demo's automatic assignment policies (off: cases stay unassigned unless a test sets a policy).</summary>
    public bool SeedAssignmentPolicies { get; init; }

    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>More test registrations, after the service's own (the security sweeps' store-write recorder).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (DataDirectory is null)
        {
            builder.UseSetting("Storage:InMemory", "true");
        }
        else
        {
            builder.UseSetting("Storage:InMemory", "false");
            builder.UseSetting("Storage:DataDirectory", DataDirectory);
        }

        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Phi:EncryptionKey", PhiKey);
        builder.UseSetting("Directory:SeedDemo", "true");
        builder.UseSetting("Directory:SeedAssignmentPolicies", SeedAssignmentPolicies ? "true" : "false");
        builder.UseSetting("Complainants:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Messaging:Outbox:PollIntervalMs", "100");
        builder.ConfigureLogging(l => l.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            TestServices?.Invoke(services);
        });
    }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public CaseStore Cases => Services.GetRequiredService<CaseStore>();

    /// <summary>
    /// What the harness has recorded so far, without waiting: the harness's own <c>Select</c> keeps waiting for more
    /// messages until the bus looks idle, unless its token is already cancelled.
    /// </summary>
    public static IEnumerable<T> Snapshot<T>(IReceivedMessageList list) where T : class =>
        list.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message);

    public IReadOnlyList<T> PublishedSoFar<T>() where T : class =>
        Harness.Published.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message).ToList();

    /// <summary>Waits for a message the outbox relay publishes, polling with a deadline.</summary>
    public async Task<T> PublishedAsync<T>(Func<T, bool> match) where T : class
    {
        T? found = null;
        await Eventually.UntilAsync(() => (found = PublishedSoFar<T>().FirstOrDefault(match)) is not null, $"a {typeof(T).Name} to be published");
        return found!;
    }

    /// <summary>Deliveries of a submission's FeedbackSubmitted that the consumer has finished, successfully or not.</summary>
    public IReadOnlyList<IReceivedMessage<FeedbackSubmitted>> ConsumedFor(Guid submissionId) =>
        Harness.Consumed.Select<FeedbackSubmitted>(new CancellationToken(canceled: true))
            .Where(m => m.Context.Message.SubmissionId == submissionId).ToList();

    /// <summary>Publishes the event as intake would and waits until the case exists.</summary>
    public async Task<Stored<CaseFile>> OpenCaseAsync(FeedbackSubmitted submitted)
    {
        await Harness.Bus.Publish(submitted, TestContext.Current.CancellationToken);
        Stored<CaseFile>? stored = null;
        await Eventually.UntilAsync(async () => (stored = await Cases.FindBySubmissionAsync(submitted.SubmissionId, TestContext.Current.CancellationToken)) is not null,
            $"a case for submission {submitted.SubmissionId}");
        return stored!;
    }

    /// <summary>How many cases the store holds for a submission (counted in the collection, not through the port's FindOne).</summary>
    public async Task<long> CaseCountForAsync(Guid submissionId)
    {
        var collection = Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<CaseFile>(CaseStore.Definition);
        var page = await collection.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("submissionId", submissionId.ToString())] }, TestContext.Current.CancellationToken);
        return page.Total;
    }

    public static string TokenFor(string role, params string[] facilities) =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = SigningKey }, $"test-{role}", role, facilities, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public HttpClient ClientFor(string role, params string[] facilities)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(role, facilities));
        return client;
    }

    /// <summary>A gRPC client of the case service over the in-memory test server, as another service would call it.</summary>
    public Contracts.Case.V1.CaseService.CaseServiceClient GrpcClient() =>
        new(GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() }));

    /// <summary>The call headers carrying a token for <paramref name="role"/> in <paramref name="facilities"/>.</summary>
    public static Metadata GrpcBearer(string role, params string[] facilities) =>
        new() { { "Authorization", "Bearer " + TokenFor(role, facilities) } };
}

public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public IReadOnlyList<string> AtOrAbove(LogLevel level) =>
        Entries.Where(e => e.Level >= level).Select(e => $"{e.Level} {e.Category}: {e.Message}").ToList();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, Entries);

    public void Dispose() { }

    private sealed class RecordingLogger(string category, ConcurrentQueue<(LogLevel, string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, category, $"{formatter(state, exception)} {exception}"));
    }
}
