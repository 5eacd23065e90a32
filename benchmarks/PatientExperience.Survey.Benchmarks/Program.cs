using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Survey;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Survey;
using PatientExperience.Testing;

// The survey service's throughput, in one process: discharges processed (PatientDischarged -> eligibility, sampling, the
// invitation document and its timers), invitations issued (the durable timer fires -> the step is written with
// SendSurveyInvitation in the outbox -> the relay publishes it) and responses scored (POST /api/v1/surveys/respond/{token}
// over HTTP on loopback -> validated, scored, written once with SurveyResponseReceived and LowSatisfactionDetected in the
// outbox -> published).
//
//   dotnet run -c Release --project benchmarks/PatientExperience.Survey.Benchmarks -- [--count 2000] [--concurrency 16] [--rabbitmq]
//
// The survey service runs as deployed (module, SQLite file store, outbox relay, consumers, durable scheduler, Kestrel) on the
// in-memory transport, or with --rabbitmq on a private RabbitMQ node (or RABBITMQ_URI). This process plays intake (it
// publishes PatientDischarged as intake's relay would, all at once), the notification service (it consumes
// SendSurveyInvitation and keeps each link's token) and the patients (--concurrency answers in flight).
var count = ArgInt("--count", 2000);
var concurrency = ArgInt("--concurrency", 16);
var useRabbit = args.Contains("--rabbitmq");
const string Facility = "riverside-general";

Console.WriteLine($"load average at start: {LoadAverage()}");
var data = Directory.CreateTempSubdirectory("pxp-survey-bench-");
RabbitMqBroker? broker = null;
string? rabbitUri = null;
if (useRabbit)
{
    broker = await RabbitMqBroker.ResolveAsync(CancellationToken.None);
    if (!broker.IsAvailable)
    {
        Console.Error.WriteLine($"No RabbitMQ: {broker.SkipReason}");
        return 2;
    }

    rabbitUri = await broker.CreateVirtualHostAsync("survey-bench", CancellationToken.None);
}

try
{
    var signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:DataDirectory"] = data.FullName,
        ["Auth:SigningKey"] = signingKey,
        ["Phi:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Survey:PublicBaseUrl"] = "https://patients.bench",
        ["ConnectionStrings:rabbitmq"] = rabbitUri,
        ["Messaging:Outbox:PollIntervalMs"] = "100",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
    });
    builder.AddServiceDefaults();
    builder.AddSurveyModule();
    builder.Services.AddSingleton<BenchCounters>();
    builder.Services.AddMessagingModule(bus =>
    {
        bus.AddConsumer<NotificationStandIn>().Endpoint(e => e.Name = "bench-survey-invitations");
        bus.AddConsumer<ScoredCounter>().Endpoint(e => e.Name = "bench-survey-scored");
    });
    builder.AddPlatformMessaging();

    await using var app = builder.Build();
    app.UsePlatformDefaults();
    app.MapSurveyApi();
    await app.StartAsync();
    var counters = app.Services.GetRequiredService<BenchCounters>();
    var bus = app.Services.GetRequiredService<IBus>();
    bus.ConnectConsumeMessageObserver(new DecidedCounter(counters));
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient { BaseAddress = new Uri(address) };

    // A seconds-scale policy: the invitation falls due a second after discharge; no reminders.
    var admin = SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = signingKey }, "bench-admin", "admin", ["*"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
    using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/facilities/{Facility}/survey-policy")
    {
        Content = JsonContent.Create(new { invitationDelay = "PT1S", responseWindow = "PT2H", reminders = Array.Empty<string>(), samplingRate = 1.0, minimumInterval = "PT0S", criticalItems = new[] { "help-when-asked" } }),
    })
    {
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var answer = await http.SendAsync(put);
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"PUT survey-policy: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
    }

    async Task<(double Discharges, double Invitations, double Scored)> RoundAsync(int n)
    {
        counters.Reset();
        // Discharged a second ago: each invitation is due as soon as its discharge is decided.
        var dischargedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, n).Select(i => bus.Publish(new PatientDischarged
        {
            DischargeId = Guid.CreateVersion7(), EncounterId = $"bench-{Guid.NewGuid():N}", PatientReference = $"bench-patient-{Guid.NewGuid():N}",
            FacilityId = Facility, DepartmentId = "medicine", UnitId = "4-west", DischargedAt = dischargedAt, Disposition = "home",
            Deceased = false, AgeBand = "50-64", Language = i % 5 == 0 ? "es" : "en", ContactChannels = ["email"], NoPublicity = false,
            ReceivedAt = dischargedAt,
        })));
        await Eventually.UntilAsync(() => Task.FromResult(counters.Decided >= n), TimeSpan.FromMinutes(10), $"{n} discharges to be decided");
        var decided = clock.Elapsed;
        await Eventually.UntilAsync(() => Task.FromResult(counters.Tokens.Count >= n), TimeSpan.FromMinutes(10), $"{n} invitations to be issued");
        var issued = clock.Elapsed;

        // Every patient answers, --concurrency at a time; one in four poorly (a service-recovery signal).
        var tokens = new ConcurrentQueue<string>(counters.Tokens.Values);
        var answering = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var k = 0;
            while (tokens.TryDequeue(out var token))
            {
                var poor = k++ % 4 == 0;
                using var response = await http.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", new
                {
                    answers = new Dictionary<string, object>
                    {
                        ["nurse-respect"] = poor ? "never" : "always", ["help-when-asked"] = poor ? "never" : "usually",
                        ["overall-rating"] = poor ? 3 : 9, ["recommend"] = poor ? "definitely-no" : "definitely-yes",
                    },
                    contactRequested = poor,
                    outreachConsent = false,
                });
                if ((int)response.StatusCode != 201) throw new InvalidOperationException($"answer: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }));
        await Eventually.UntilAsync(() => Task.FromResult(counters.Scored >= n), TimeSpan.FromMinutes(10), $"{n} responses to be scored");
        var scored = answering.Elapsed;
        return (n / decided.TotalSeconds, n / issued.TotalSeconds, n / scored.TotalSeconds);
    }

    await RoundAsync(Math.Min(200, Math.Max(20, count / 10))); // warm-up
    var rounds = new List<(double Discharges, double Invitations, double Scored)>();
    for (var r = 1; r <= 3; r++)
    {
        var round = await RoundAsync(count);
        rounds.Add(round);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round {r}: discharges processed {round.Discharges:0} /s, invitations issued {round.Invitations:0} /s, responses scored {round.Scored:0} /s"));
    }

    var transport = useRabbit ? "RabbitMQ (private node)" : "in-memory transport";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
        Survey benchmark: {count} discharges a round, 3 rounds after a warm-up, {transport}, SQLite file store, {Environment.ProcessorCount} cores
          median discharges processed: {Median(rounds.Select(x => x.Discharges)):0} /s   (publish all -> every invitation decided and its timers scheduled)
          median invitations issued:   {Median(rounds.Select(x => x.Invitations)):0} /s   (publish all -> every SendSurveyInvitation received; includes the above)
          median responses scored:     {Median(rounds.Select(x => x.Scored)):0} /s   ({concurrency} answers in flight over HTTP -> every SurveyResponseReceived received)
        load average at end: {LoadAverage()}
        """));
    await app.StopAsync();
    return 0;
}
finally
{
    if (broker is not null) await broker.DisposeAsync();
    try { data.Delete(recursive: true); } catch (IOException) { }
}

int ArgInt(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>What the benchmark counts: discharges decided (the survey's PatientDischarged consumer finished), tokens issued, responses scored.</summary>
internal sealed class BenchCounters
{
    private int _decided;
    private int _scored;

    public ConcurrentDictionary<Guid, string> Tokens { get; } = new();
    public int Decided => Volatile.Read(ref _decided);
    public int Scored => Volatile.Read(ref _scored);
    public void CountDecided() => Interlocked.Increment(ref _decided);
    public void CountScored() => Interlocked.Increment(ref _scored);

    public void Reset()
    {
        Tokens.Clear();
        Interlocked.Exchange(ref _decided, 0);
        Interlocked.Exchange(ref _scored, 0);
    }
}

/// <summary>The notification service's part: receives each invitation and keeps its link's token (a patient's inbox).</summary>
internal sealed class NotificationStandIn(BenchCounters counters) : IConsumer<SendSurveyInvitation>
{
    public Task Consume(ConsumeContext<SendSurveyInvitation> context)
    {
        var link = context.Message.Link;
        counters.Tokens.TryAdd(context.Message.InvitationId, link[(link.LastIndexOf('/') + 1)..]);
        return Task.CompletedTask;
    }
}

internal sealed class ScoredCounter(BenchCounters counters) : IConsumer<SurveyResponseReceived>
{
    public Task Consume(ConsumeContext<SurveyResponseReceived> context)
    {
        counters.CountScored();
        return Task.CompletedTask;
    }
}

/// <summary>Counts each PatientDischarged the survey service's consumer has finished with (decision stored, timers scheduled).</summary>
internal sealed class DecidedCounter(BenchCounters counters) : IConsumeMessageObserver<PatientDischarged>
{
    public Task PreConsume(ConsumeContext<PatientDischarged> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<PatientDischarged> context)
    {
        counters.CountDecided();
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<PatientDischarged> context, Exception exception) => Task.CompletedTask;
}
