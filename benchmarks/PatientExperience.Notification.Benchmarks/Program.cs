using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging;
using PatientExperience.Notification;
using PatientExperience.Notification.Contacts;
using PatientExperience.ServiceDefaults;
using PatientExperience.Testing;
using PatientExperience.Testing.Smtp;

// Emails delivered per second to a local SMTP server, and the lag from CaseEscalated (its EscalatedAt, set as it is
// published) to the SMTP server accepting the email: p50 and p99.
//
//   dotnet run -c Release --project benchmarks/PatientExperience.Notification.Benchmarks -- [--count 2000] [--rate 20 --paced-count 400] [--rabbitmq]
//
// Two runs after a warm-up: a burst of --count events published at once (throughput: emails per second until the last one
// arrives; the lag then is mostly queueing), and --paced-count events at --rate per second (the lag of one escalation when
// the service is not saturated).
//
// The notification service runs in this process exactly as it is deployed (module, store on a SQLite file, outbox relay,
// consumers, delivery worker, MailKit with its connection pool) on the in-memory transport, or with --rabbitmq on a private
// RabbitMQ node (or RABBITMQ_URI). The SMTP server (the SmtpServer library) runs in this process too, on loopback. The case
// service's directory and intake are replaced by in-process answers (each escalation names its recipient, as the case
// service's do), so what is measured is the notification service and SMTP, not the case service.
var count = ArgInt("--count", 2000);
var rate = ArgInt("--rate", 20);
var pacedCount = ArgInt("--paced-count", 400);
var warmup = Math.Min(200, Math.Max(20, count / 10));
var useRabbit = args.Contains("--rabbitmq");

await using var smtp = TestSmtpServer.Start();
var data = Directory.CreateTempSubdirectory("pxp-notification-bench-");
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

    rabbitUri = await broker.CreateVirtualHostAsync("notification-bench", CancellationToken.None);
}

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:DataDirectory"] = data.FullName,
        ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Phi:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Notification:CaseGrpcAddress"] = "http://127.0.0.1:9",
        ["Notification:IntakeGrpcAddress"] = "http://127.0.0.1:9",
        ["Notification:ConsoleBaseUrl"] = "https://console.bench",
        ["ConnectionStrings:smtp"] = smtp.ConnectionString,
        ["ConnectionStrings:rabbitmq"] = rabbitUri,
        ["Messaging:Outbox:PollIntervalMs"] = "100",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
    });
    builder.AddServiceDefaults();
    builder.AddNotificationModule();
    builder.AddPlatformMessaging();
    builder.Services.RemoveAll<ICaseDirectory>();
    builder.Services.AddSingleton<ICaseDirectory, BenchDirectory>();
    builder.Services.RemoveAll<IPatientContacts>();
    builder.Services.AddSingleton<IPatientContacts, NoPatients>();

    await using var app = builder.Build();
    await app.StartAsync();
    var bus = app.Services.GetRequiredService<IBus>();

    async Task<(double PerSecond, double[] LagsMs)> RunAsync(int n, string label, int perSecond = 0)
    {
        using var pace = perSecond > 0 ? new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond)) : null;
        var before = smtp.Received.Count;
        var sent = new Dictionary<string, DateTimeOffset>(n);
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < n; i++)
        {
            if (pace is not null) await pace.WaitForNextTickAsync();
            var caseId = Guid.NewGuid();
            var email = $"{label}-{i}@bench.example.org";
            var at = DateTimeOffset.UtcNow;
            sent[email] = at;
            await bus.Publish(new CaseEscalated
            {
                CaseId = caseId, FacilityId = BenchDirectory.Facility, FromLevel = EscalationLevel.Unit, ToLevel = EscalationLevel.Department, Reason = EscalationReason.DeadlineMissed,
                Severity = Severity.Medium, EscalatedAt = at,
                Recipients = [new StaffRecipient { PersonId = $"{label}-{i}", Name = $"Head {i}", Role = "department-head", Email = email, TimeZone = "UTC" }],
            });
        }

        await Eventually.UntilAsync(() => Task.FromResult(smtp.Received.Count >= before + n), TimeSpan.FromMinutes(10), $"{n} emails to arrive");
        var elapsed = clock.Elapsed;
        var received = smtp.Received.Skip(before).ToList();
        var lags = received.Where(r => sent.ContainsKey(r.To[0])).Select(r => (r.ReceivedAt - sent[r.To[0]]).TotalMilliseconds).Order().ToArray();
        return (n / elapsed.TotalSeconds, lags);
    }

    await RunAsync(warmup, "warmup");
    var (perSecond, lagsMs) = await RunAsync(count, "burst");
    var (_, pacedLagsMs) = await RunAsync(pacedCount, "paced", rate);
    var transport = useRabbit ? "RabbitMQ (private node)" : "in-memory transport";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
        Notification benchmark: {count} CaseEscalated events, one recipient each (email + inbox), {transport}, SQLite file store, {Environment.ProcessorCount} cores
          burst of {count}: {perSecond:0.0} emails delivered per second; lag CaseEscalated -> SMTP accepted p50 {Percentile(lagsMs, 0.50):0.0} ms, p99 {Percentile(lagsMs, 0.99):0.0} ms
          paced, {pacedCount} at {rate}/s: lag CaseEscalated -> SMTP accepted p50 {Percentile(pacedLagsMs, 0.50):0.0} ms, p99 {Percentile(pacedLagsMs, 0.99):0.0} ms, max {pacedLagsMs[^1]:0.0} ms
          (SMTP: {builder.Configuration["Notification:Email:MaxConnections"] ?? "8"} connections; deliveries at once: {builder.Configuration["Notification:ConcurrentDeliveries"] ?? "16"})
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

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

/// <summary>The case service's answers, in process: the facility, and no case (escalations name their recipients).</summary>
internal sealed class BenchDirectory : ICaseDirectory
{
    public const string Facility = "bench-facility";

    public Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(Guid? caseId, string facilityId, string? departmentId, EscalationLevel level, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<StaffRecipient>>([]);

    public Task<CaseSummary?> GetCaseAsync(Guid caseId, string facilityId, CancellationToken ct) =>
        Task.FromResult<CaseSummary?>(new CaseSummary { CaseId = caseId, CaseNumber = "PX-BENCH-" + caseId.ToString("N")[..8], SubmissionId = Guid.NewGuid(), FacilityId = facilityId });

    public Task<FacilityInfo?> FacilityAsync(string facilityId, CancellationToken ct) =>
        Task.FromResult<FacilityInfo?>(new FacilityInfo(facilityId, "Benchmark General", "UTC", new Dictionary<string, string>(), new Dictionary<string, string>()));
}

internal sealed class NoPatients : IPatientContacts
{
    public Task<PatientContact?> GetAsync(Guid submissionId, string facilityId, CancellationToken ct) => Task.FromResult<PatientContact?>(null);
}
