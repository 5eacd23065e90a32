using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging;
using PatientExperience.Testing;

// Case creation over a real RabbitMQ: this process publishes FeedbackSubmitted as intake's relay would, the case service
// (a separate process, SQLite file store, its own outbox relay) opens a case for each and publishes CaseOpened, which this
// process consumes. Reports cases per second and the FeedbackSubmitted -> CaseOpened lag.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;

await using var broker = await RabbitMqBroker.ResolveAsync();
if (!broker.IsAvailable)
{
    Console.Error.WriteLine(broker.SkipReason);
    return 2;
}

Console.WriteLine($"broker: {broker.Description}");
var results = new List<(double PerSecond, double P50, double P99)>();
for (var round = 1; round <= rounds; round++)
{
    var vhost = await broker.CreateVirtualHostAsync($"bench-{round}-{Guid.NewGuid():N}"[..20]);
    results.Add(await RunAsync(vhost, count, round));
}

var median = results.OrderBy(r => r.PerSecond).ElementAt(results.Count / 2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median of {rounds} rounds of {count}: {median.PerSecond:0} cases/s, lag p50 {median.P50:0} ms, p99 {median.P99:0} ms"));
return 0;

static async Task<(double, double, double)> RunAsync(string rabbitUri, int count, int round)
{
    var data = Path.Combine(Path.GetTempPath(), "pxp-bench-" + Guid.NewGuid().ToString("N")[..8]);
    var http = ServiceProcess.FreeTcpPort();
    var grpc = ServiceProcess.FreeTcpPort();
    await using var caseService = ServiceProcess.Start("PatientExperience.Case", new Dictionary<string, string?>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__rabbitmq"] = rabbitUri,
        ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Phi__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Storage__DataDirectory"] = data,
        ["Directory__SeedDemo"] = "true",
        ["Complainants__PublicBaseUrl"] = "http://localhost:8080",
        ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{http}",
        ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpc}",
        ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
        ["Logging__LogLevel__Default"] = "Warning",
    }, "case");
    await caseService.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{http}/health/ready"), TimeSpan.FromSeconds(90));

    var sent = new ConcurrentDictionary<Guid, long>();
    var lags = new ConcurrentBag<double>();
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.Configuration["ConnectionStrings:rabbitmq"] = rabbitUri;
    builder.Configuration["Storage:Provider"] = "Sqlite";
    builder.Services.AddSingleton(new Probe(sent, lags, count, done));
    builder.Services.AddMessagingModule(bus => bus.AddConsumer<CaseOpenedProbe>().Endpoint(e => e.Name = "bench-case-opened"));
    builder.AddPlatformMessaging();
    using var host = builder.Build();
    LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
    await host.StartAsync();
    var bus = host.Services.GetRequiredService<IBus>();

    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
    {
        var submissionId = Guid.NewGuid();
        sent[submissionId] = Stopwatch.GetTimestamp();
        await bus.Publish(new FeedbackSubmitted
        {
            SubmissionId = submissionId, FacilityId = "riverside-general", DepartmentId = "emergency", UnitId = "ed-adult", Channel = FeedbackChannel.Web,
            Kind = FeedbackKind.Complaint, ResponseRequested = false, PatientIdentified = false, SubmittedAt = DateTimeOffset.UtcNow,
        }, ct);
    });
    var published = clock.Elapsed;
    await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
    var elapsed = clock.Elapsed;
    await host.StopAsync();
    await caseService.StopAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    try { Directory.Delete(data, recursive: true); } catch (IOException) { }

    var sorted = lags.Order().ToArray();
    var perSecond = count / elapsed.TotalSeconds;
    var p50 = sorted[sorted.Length / 2];
    var p99 = sorted[(int)(sorted.Length * 0.99)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {round}: {count} FeedbackSubmitted published in {published.TotalSeconds:0.00} s; {count} cases opened in {elapsed.TotalSeconds:0.00} s = {perSecond:0} cases/s; lag p50 {p50:0} ms, p90 {sorted[(int)(sorted.Length * 0.9)]:0} ms, p99 {p99:0} ms, max {sorted[^1]:0} ms"));
    return (perSecond, p50, p99);
}

public sealed record Probe(ConcurrentDictionary<Guid, long> Sent, ConcurrentBag<double> Lags, int Expected, TaskCompletionSource Done);

public sealed class CaseOpenedProbe(Probe probe) : IConsumer<CaseOpened>
{
    public Task Consume(ConsumeContext<CaseOpened> context)
    {
        if (probe.Sent.TryRemove(context.Message.SubmissionId, out var sentAt))
        {
            probe.Lags.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
            if (probe.Lags.Count == probe.Expected) probe.Done.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
