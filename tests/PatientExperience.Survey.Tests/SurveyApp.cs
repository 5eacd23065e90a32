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
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Survey;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Survey.Invitations;
using PatientExperience.Survey.Policy;
using PatientExperience.Testing;

namespace PatientExperience.Survey.Tests;

/// <summary>
/// The survey service in memory with a clock the test moves: its real HTTP and gRPC pipeline, store (in-memory SQLite),
/// outbox relay, consumers and durable scheduler (on the fake clock), on the MassTransit test harness. One per test: its
/// clock is its own.
/// </summary>
public sealed class SurveyApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "c3VydmV5LXRlc3RzLXNpZ25pbmcta2V5LTMyLWJ5dGVzLWxvbmchIQ==";
    public const string PhiKey = "c3VydmV5LXRlc3RzLXBoaS1rZXktMzItYnl0ZXMhISE=";
    public const string PublicBaseUrl = "https://patients.test";
    public const string FacilityA = "riverside";
    public const string FacilityB = "hillcrest";

    /// <summary>Tuesday 10 March 2026, 16:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 16, 0, 0, TimeSpan.Zero);

    private SurveyApp() { }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>More test registrations, after the service's own (the security sweeps' store-write recorder).</summary>
    private Action<IServiceCollection>? _testServices;

    public static SurveyApp Create(Action<IServiceCollection>? testServices = null)
    {
        var app = new SurveyApp { _testServices = testServices };
        _ = app.Services; // start the host (and the bus)
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:InMemory", "true");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Phi:EncryptionKey", PhiKey);
        builder.UseSetting("Survey:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Messaging:Outbox:PollIntervalMs", "50");
        builder.ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddMassTransitTestHarness(x =>
            {
                // As the platform bus does: retry before a message faults (an optimistic-concurrency conflict is read again).
                x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseMessageRetry(r => r.Intervals(20, 50, 100, 200, 400)));
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            });
            _testServices?.Invoke(services);
        });
    }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public InvitationStore Invitations => Services.GetRequiredService<InvitationStore>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public IReadOnlyList<T> Published<T>() where T : class =>
        Harness.Published.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message).ToList();

    /// <summary>Waits (real time, with a deadline) for a published message that matches.</summary>
    public Task<T> PublishedAsync<T>(Func<T, bool> match, string because) where T : class =>
        Eventually.UntilAsync(() => Task.FromResult(Published<T>().FirstOrDefault(match)), TimeSpan.FromSeconds(15), because, Ct);

    /// <summary>Publishes a discharge as intake would and waits until the survey service has recorded its decision.</summary>
    public async Task<SurveyInvitation> DischargeAsync(PatientDischarged discharge)
    {
        await Harness.Bus.Publish(discharge, Ct);
        return await InvitationWhenAsync(discharge.DischargeId, _ => true, "the discharge's decision to be recorded");
    }

    public Task<SurveyInvitation> InvitationWhenAsync(Guid dischargeId, Func<SurveyInvitation, bool> condition, string because) =>
        Eventually.UntilAsync(async () => await Invitations.GetByDischargeAsync(dischargeId, Ct) is { } s && condition(s.Document) ? s.Document : null,
            TimeSpan.FromSeconds(15), because, Ct);

    /// <summary>The invitations and reminders sent for a discharge so far.</summary>
    public IReadOnlyList<SendSurveyInvitation> SentFor(Guid dischargeId) => Published<SendSurveyInvitation>().Where(s => s.DischargeId == dischargeId).ToList();

    /// <summary>Moves the clock and waits until the step falls due and its message is published.</summary>
    public async Task<SendSurveyInvitation> AdvanceUntilSentAsync(Guid dischargeId, int reminder, TimeSpan by)
    {
        Clock.Advance(by);
        return await PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == dischargeId && s.Reminder == reminder,
            $"step {reminder} of discharge {dischargeId} to be sent after moving the clock {by}");
    }

    /// <summary>Waits until the timer of a step has fired and been handled (sent or skipped).</summary>
    public Task ConsumedStepAsync(Guid dischargeId, int step) =>
        Eventually.UntilAsync(() => Task.FromResult(Harness.Consumed.Select<InvitationStepDue>(new CancellationToken(canceled: true))
                .Any(m => m.Context.Message.DischargeId == dischargeId && m.Context.Message.Step == step)),
            TimeSpan.FromSeconds(15), $"the timer of step {step} of discharge {dischargeId} to be handled", Ct);

    public static string TokenFor(string role, params string[] facilities) =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = SigningKey }, $"test-{role}", role, facilities, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public HttpClient ClientFor(string role, params string[] facilities)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(role, facilities));
        return client;
    }

    public async Task PutPolicyAsync(string facilityId, SurveyPolicyRequest policy)
    {
        using var admin = ClientFor("admin", "*");
        using var response = await admin.PutAsJsonAsync($"/api/v1/facilities/{facilityId}/survey-policy", policy, Ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The token in an invitation's link.</summary>
    public static string TokenOf(SendSurveyInvitation sent)
    {
        Assert.StartsWith(PublicBaseUrl + "/surveys/", sent.Link, StringComparison.Ordinal);
        return sent.Link[(PublicBaseUrl.Length + "/surveys/".Length)..];
    }
}
