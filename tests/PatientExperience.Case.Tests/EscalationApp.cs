using System.Net.Http.Headers;
using System.Net.Http.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Intake;
using PatientExperience.Case.Escalation;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The case service with a clock the test moves: the escalation saga, its durable timers (the platform's scheduler, on the
/// fake clock) and the outbox relay all run for real on the MassTransit test harness. Each test gets its own app, so its
/// clock and its facility's SLA policy are its own.
/// </summary>
public sealed class EscalationApp : WebApplicationFactory<Program>
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:InMemory", "true");
        builder.UseSetting("Auth:SigningKey", CaseApp.SigningKey);
        builder.UseSetting("Phi:EncryptionKey", CaseApp.PhiKey);
        builder.UseSetting("Directory:SeedDemo", "true");
        builder.UseSetting("Directory:SeedAssignmentPolicies", "false");
        builder.UseSetting("Complainants:PublicBaseUrl", "https://patients.test");
        builder.UseSetting("Messaging:Outbox:PollIntervalMs", "50");
        builder.UseSetting("Messaging:Metrics:SampleSeconds", "1");
        builder.ConfigureLogging(l => { l.ClearProviders(); if (Environment.GetEnvironmentVariable("PXP_TEST_LOGS") == "1") l.AddConsole().SetMinimumLevel(LogLevel.Debug); });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // The harness registers a message scheduler of its own; code outside consumers schedules durably, as in production.
            var durableScheduler = services.Last(d => d.ServiceType == typeof(IMessageScheduler));
            services.AddMassTransitTestHarness(x =>
            {
                // As the platform bus does: retry before a message faults (events that arrive before their case's CaseOpened).
                x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseMessageRetry(r => r.Intervals(50, 100, 200, 400, 800, 1600)));
                // The harness puts every saga in its in-memory repository; this one must be stored as in production, with its outbox.
                x.AddSagaStateMachine<EscalationStateMachine, EscalationState>(typeof(EscalationStateDefinition))
                    .DocumentRepository(CaseModule.ServiceName, EscalationStateDefinition.Collection);
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            });
            services.Add(durableScheduler);
        });
    }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public CaseStore Cases => Services.GetRequiredService<CaseStore>();

    public IReadOnlyList<T> Published<T>() where T : class =>
        Harness.Published.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message).ToList();

    public async Task<T> PublishedAsync<T>(Func<T, bool> match) where T : class
    {
        T? found = null;
        await Eventually.UntilAsync(() => (found = Published<T>().FirstOrDefault(match)) is not null, $"a {typeof(T).Name} to be published");
        return found!;
    }

    public HttpClient ClientFor(string role, params string[] facilities)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CaseApp.TokenFor(role, facilities));
        return client;
    }

    /// <summary>Gives the facility an SLA policy in seconds, as a demo or test would.</summary>
    public async Task UsePolicyInSecondsAsync(string facilityId, string acknowledge = "PT5S", string interimNotice = "PT30S", string response = "PT60S")
    {
        var response1 = await ClientFor("admin", facilityId).PutAsJsonAsync($"/api/v1/facilities/{facilityId}/sla-policy",
            new { acknowledge, interimNotice, response, days = "calendar" }, TestContext.Current.CancellationToken);
        Assert.True(response1.IsSuccessStatusCode, $"PUT sla-policy: {(int)response1.StatusCode} {await response1.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    /// <summary>Publishes the submission as intake would and waits until its case exists and its escalation has started.</summary>
    public async Task<Stored<CaseFile>> OpenAsync(FeedbackSubmitted submitted)
    {
        await Harness.Bus.Publish(submitted, TestContext.Current.CancellationToken);
        Stored<CaseFile>? stored = null;
        await Eventually.UntilAsync(async () => (stored = await Cases.FindBySubmissionAsync(submitted.SubmissionId, TestContext.Current.CancellationToken)) is { Document.EscalationSequence: > 0 },
            $"the case of submission {submitted.SubmissionId} to open and start escalating");
        return stored!;
    }

    /// <summary>Moves the clock and waits until the case's escalation reflects what became due.</summary>
    public async Task<CaseFile> AdvanceUntilAsync(TimeSpan by, Guid caseId, Func<CaseFile, bool> condition, string because)
    {
        Clock.Advance(by);
        CaseFile? current = null;
        await Eventually.UntilAsync(async () => condition(current = (await Cases.GetAsync(caseId, TestContext.Current.CancellationToken))!.Document), because);
        return current!;
    }

    public async Task<CaseFile> CaseAsync(Guid id) => (await Cases.GetAsync(id, TestContext.Current.CancellationToken))!.Document;
}
