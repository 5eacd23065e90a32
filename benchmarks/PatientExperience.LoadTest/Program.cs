using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;
if (options.Mode == LoadOptions.ServeBaselinesMode)
{
    await HttpBaselines.ServeAsync(options.KestrelPort!.Value, options.YarpPort!.Value, ct);
    return 0;
}

var startedAt = DateTimeOffset.UtcNow;
var machine = MachineInfo.Now();
Console.WriteLine($"load average before: {Format(machine.LoadAverageBefore)} on {machine.Cores} cores");

var runs = new List<RunReport>();
var ratios = new List<Ratio>();
var messaging = new List<MessagingResult>();
Platform? platform = null;
IReadOnlyDictionary<string, double> residentIdle = new Dictionary<string, double>(), residentAfter = new Dictionary<string, double>();
IReadOnlyList<MemorySample> residentSamples = [];
try
{
    if (options.Mode is not ("messaging-baselines" or "proxy-overhead"))
    {
        platform = options.Start switch
        {
            "standalone" => await Platform.StartStandaloneAsync(Platform.ModeSettings(options.Mode), ct),
            "distributed" => await Platform.StartDistributedAsync(Platform.ModeSettings(options.Mode), ct),
            _ => Platform.Running(options.Target!, options.Intake),
        };
        Console.WriteLine($"target: {platform.Description}");
        if (options.Start is not null)
        {
            // Idle memory: started, ready, and given a moment to finish start-up work (seeding, first reads) before any load.
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            residentIdle = platform.ResidentMegabytes();
            Console.WriteLine($"resident memory idle: {string.Join(", ", residentIdle.Select(p => $"{p.Key} {p.Value} MB"))}");
        }

        if (options.EffectivePlatformWarmup > TimeSpan.Zero) await WarmPlatformAsync(platform);
    }

    var sampler = options.MemoryEvery is { } every && platform is not null ? new MemorySampler(platform.ResidentMegabytes, every) : null;
    switch (options.Mode)
    {
        case "gateway":
            runs.Add(await HttpRunAsync("gateway", platform!.Gateway, client => Scenarios.Feedback(client, RunId(), units: Units()), options.Rate, options.Connections));
            break;
        case "intake":
            runs.Add(await HttpRunAsync("intake", platform!.Intake ?? throw new ArgumentException("intake needs --intake URL with --target."),
                client => Scenarios.Feedback(client, RunId(), units: Units()), options.Rate, options.Connections));
            break;
        case "end-to-end":
            runs.Add(await EndToEndAsync(platform!, options.Rate, options.Connections));
            break;
        case "proxy-overhead":
            await ProxyOverheadAsync();
            break;
        case "sweep":
            foreach (var rate in options.Rates) runs.Add(await EndToEndAsync(platform!, rate, null));
            break;
        case "fhir-discharges":
        {
            using var handler = Handler(options.MaxInFlight);
            using var integration = await Scenarios.ClientWithDevTokenAsync(platform!.Gateway, handler, "integration", Scenarios.Facility, ct);
            runs.Add(await HttpRunAsync("fhir-discharges", platform.Gateway, _ => Scenarios.FhirDischarge(integration), options.Rate, options.Connections));
            break;
        }

        case "survey-responses":
        {
            var count = (int)Math.Ceiling((options.Rate ?? 200) * (options.Duration + options.Warmup).TotalSeconds);
            var tokens = await SurveyInvitations.IssueAsync(platform!.Gateway, count, ct);
            var warmupCount = (int)Math.Floor((options.Rate ?? 0) * options.Warmup.TotalSeconds);
            runs.Add(await HttpRunAsync("survey-responses", platform.Gateway, client => Scenarios.SurveyResponse(client, tokens), options.Rate, options.Connections,
                warmupScenario: client => Scenarios.SurveyResponse(client, [.. tokens.Skip(tokens.Count - warmupCount)]),
                measuredTokens: tokens.Count - warmupCount));
            break;
        }

        case "http-baselines":
            await HttpBaselinesAsync(platform!);
            break;
        case "messaging-baselines":
            messaging.AddRange(await MessagingBaselines.RunAsync(options.Messages, ct));
            if (messaging.Count == 2)
                ratios.Add(new Ratio(messaging[1].Name, messaging[0].Name, "messages/s", Math.Round(messaging[1].MessagesPerSecond / messaging[0].MessagesPerSecond, 3), ">= 0.45"));
            break;
    }

    if (sampler is not null)
    {
        await sampler.DisposeAsync();
        residentSamples = sampler.Samples;
    }

    if (platform?.ResidentMegabytes() is { Count: > 0 } rss)
    {
        residentAfter = rss;
        Console.WriteLine($"resident memory after the run: {string.Join(", ", rss.Select(p => $"{p.Key} {p.Value} MB"))}");
    }
}
finally
{
    if (platform is not null) await platform.DisposeAsync();
}

var results = new LoadResults
{
    StartedAt = startedAt,
    Command = "PatientExperience.LoadTest " + string.Join(' ', args),
    Machine = machine with { LoadAverageAfter = MachineInfo.LoadAverage() },
    Runs = runs,
    Messaging = messaging,
    Ratios = ratios,
    ResidentIdleMegabytes = residentIdle,
    ResidentAfterMegabytes = residentAfter,
    ResidentSamples = residentSamples,
    ResidentTrends = MemoryTrend.From(residentSamples),
};
await File.WriteAllTextAsync(options.Out, results.ToJson(), ct);
if (options.Plot is not null && runs.Count > 0) LatencyPlot.Write(runs, options.Plot);

foreach (var run in runs) Console.WriteLine(run.SummaryLine());
foreach (var m in messaging) Console.WriteLine(m.SummaryLine());
foreach (var r in ratios) Console.WriteLine(r.SummaryLine());
foreach (var m in results.ResidentTrends) Console.WriteLine(m.SummaryLine());
Console.WriteLine($"load average after: {Format(results.Machine.LoadAverageAfter)}; results in {Path.GetFullPath(options.Out)}");
return 0;

string RunId() => "lt-" + Guid.NewGuid().ToString("N")[..12];

IReadOnlyList<Scenarios.UnitRef> Units() => options.Units == "all" ? Scenarios.DemoUnits : Scenarios.OneUnit;

// Concerns through the gateway at a rate any platform keeps up with, not measured: the pipeline's code is compiled and
// tiered up before the first run, so that run measures the platform and not the JIT.
async Task WarmPlatformAsync(Platform target)
{
    using var handler = Handler(options.MaxInFlight);
    using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = target.Gateway, Timeout = TimeSpan.FromSeconds(60) };
    var warm = await LoadRunner.OpenLoopAsync(new OpenLoopSchedule(LoadOptions.PlatformWarmupRate, options.EffectivePlatformWarmup),
        Scenarios.Feedback(client, RunId(), units: Units()), new StopwatchClock(), options.MaxInFlight, ct);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"platform warm-up (not measured): {options.EffectivePlatformWarmup.TotalSeconds:0} s at {LoadOptions.PlatformWarmupRate:0}/s, {warm.Sent} sent, {warm.Failed} failed"));
}

async Task<RunReport> HttpRunAsync(string name, Uri baseAddress, Func<HttpClient, SendRequest> scenario, double? rate, int? connections,
    Func<HttpClient, SendRequest>? warmupScenario = null, long? measuredTokens = null)
{
    using var handler = Handler(connections ?? options.MaxInFlight);
    using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    var clock = new StopwatchClock();
    if (options.Warmup > TimeSpan.Zero)
    {
        var warm = (warmupScenario ?? scenario)(client);
        _ = rate is { } r
            ? await LoadRunner.OpenLoopAsync(new OpenLoopSchedule(r, options.Warmup), warm, clock, options.MaxInFlight, ct)
            : await LoadRunner.ClosedLoopAsync(connections!.Value, options.Warmup, warm, clock, ct);
    }

    var send = scenario(client);
    var measurement = rate is { } offered
        ? await LoadRunner.OpenLoopAsync(Schedule(offered, measuredTokens), send, clock, options.MaxInFlight, ct)
        : await LoadRunner.ClosedLoopAsync(connections!.Value, options.Duration, send, clock, ct);
    var report = RunReport.From(name, measurement, rate, connections, options.Duration);
    Console.WriteLine(report.SummaryLine());
    return report;
}

OpenLoopSchedule Schedule(double rate, long? cap) =>
    cap is { } c && c < rate * options.Duration.TotalSeconds ? new OpenLoopSchedule(rate, TimeSpan.FromSeconds(c / rate)) : new OpenLoopSchedule(rate, options.Duration);

async Task<RunReport> EndToEndAsync(Platform target, double? rate, int? connections)
{
    var accepted = new System.Collections.Concurrent.ConcurrentDictionary<long, Guid>();
    var run = await HttpRunAsync(rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"end-to-end@{r:0}") : "end-to-end", target.Gateway,
        client => Scenarios.Feedback(client, RunId(), (i, id) => accepted[i] = id, Units()), rate, connections,
        warmupScenario: client => Scenarios.Feedback(client, RunId(), units: Units()));
    var submissions = accepted.OrderBy(p => p.Key).Select(p => p.Value).ToList();
    using var handler = Handler(16);
    using var staff = await Scenarios.ClientWithDevTokenAsync(target.Gateway, handler, "patient-relations", "*", ct);
    var endToEnd = await EndToEndProbe.MeasureAsync(staff, EndToEndProbe.Sample(submissions, options.Sample), submissions.Count, TimeSpan.FromMinutes(3), ct);
    var report = run with { EndToEnd = endToEnd };
    Console.WriteLine(report.SummaryLine());
    return report;
}

async Task HttpBaselinesAsync(Platform target)
{
    await using var baselines = await HttpBaselines.StartAsync(target.Intake, ct);
    var subjects = new List<(string Name, Uri Address)> { ("kestrel-202", baselines.Kestrel) };
    if (baselines.Yarp is not null) subjects.Add(("bare-yarp", baselines.Yarp));
    if (target.Intake is not null) subjects.Add(("intake", target.Intake));
    subjects.Add(("gateway", target.Gateway));
    var (closed, open) = await CompareAsync(subjects);
    if (closed.ContainsKey("bare-yarp"))
    {
        AddProxyRatios(closed, open);
        ratios.Add(new Ratio("bare-yarp", "intake", "requests/s, closed loop", Math.Round(closed["bare-yarp"].AchievedRate / closed["intake"].AchievedRate, 3), null));
    }

    if (closed.ContainsKey("intake"))
        ratios.Add(new Ratio("intake", "kestrel-202", "requests/s, closed loop", Math.Round(closed["intake"].AchievedRate / closed["kestrel-202"].AchievedRate, 3), null));
}

async Task ProxyOverheadAsync()
{
    await using var subjects = await ProxyOverhead.StartAsync(ct);
    Console.WriteLine($"subjects: {subjects.Description}");
    var (closed, open) = await CompareAsync([("kestrel-202", subjects.Kestrel), ("bare-yarp", subjects.Yarp), ("gateway", subjects.Gateway)]);
    AddProxyRatios(closed, open);
    ratios.Add(new Ratio("bare-yarp", "kestrel-202", "requests/s, closed loop", Math.Round(closed["bare-yarp"].AchievedRate / closed["kestrel-202"].AchievedRate, 3), null));
}

// Closed loop at --connections, then open loop at --rate, for each subject in turn.
async Task<(Dictionary<string, RunReport> Closed, Dictionary<string, RunReport> Open)> CompareAsync(IReadOnlyList<(string Name, Uri Address)> subjects)
{
    var closed = new Dictionary<string, RunReport>();
    var open = new Dictionary<string, RunReport>();
    foreach (var (name, address) in subjects)
    {
        closed[name] = await HttpRunAsync(name, address, client => Scenarios.Feedback(client, RunId(), units: Units()), null, options.Connections);
        open[name] = await HttpRunAsync(name, address, client => Scenarios.Feedback(client, RunId(), units: Units()), options.Rate, null);
    }

    runs.AddRange(closed.Values);
    runs.AddRange(open.Values);
    return (closed, open);
}

void AddProxyRatios(Dictionary<string, RunReport> closed, Dictionary<string, RunReport> open)
{
    ratios.Add(new Ratio("gateway", "bare-yarp", "requests/s, closed loop", Math.Round(closed["gateway"].AchievedRate / closed["bare-yarp"].AchievedRate, 3), ">= 0.85"));
    ratios.Add(new Ratio("gateway", "bare-yarp", "p50 at the same open-loop rate", Math.Round(open["gateway"].Latency.P50 / open["bare-yarp"].Latency.P50, 3), "<= 1.15"));
}

static SocketsHttpHandler Handler(int connections) => new()
{
    MaxConnectionsPerServer = Math.Max(1, connections),
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    UseCookies = false,
    UseProxy = false,
};

static string Format(double[]? load) => load is null ? "unknown" : string.Join(" ", load.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)));
