using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.Testing;

namespace PatientExperience.FaultRun;

/// <summary>
/// The fault run's core: starts the platform, sets a seconds-scale SLA policy, submits concerns at a steady rate while it
/// SIGKILLs and restarts each service and restarts the broker, waits for quiescence and reconciles (<see cref="Reconciliation"/>).
/// </summary>
public static class FaultRunner
{
    /// <summary>The services a run starts and crashes, in the order it starts them.</summary>
    public static readonly IReadOnlyList<string> ServiceNames = ["case", "intake", "notification", "gateway"];

    /// <summary>Runs one fault run; returns null with the reason when no RabbitMQ is available.</summary>
    public static async Task<(FaultRunReport? Report, string? SkipReason)> RunAsync(FaultRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var log = options.Log ?? (_ => { });
        var (platform, skip) = await ProcessPlatform.StartAsync(ServiceNames, new Dictionary<string, string?>(), "pxp-faultrun-", log, cancellationToken).ConfigureAwait(false);
        if (platform is null) return (null, skip);
        await using (platform.ConfigureAwait(false))
        {
            try
            {
                return (await RunAsync(platform, options, log, cancellationToken).ConfigureAwait(false), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException($"The fault run failed: {ex.Message}{Environment.NewLine}{platform.Output()}", ex);
            }
        }
    }

    private static async Task<FaultRunReport> RunAsync(ProcessPlatform platform, FaultRunOptions options, Action<string> log, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = platform.GatewayUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var staff = new StaffApi(http);
        await staff.SignInAsync(ct).ConfigureAwait(false);
        await staff.PutPolicyAsync(options.Facility, options.AcknowledgeDeadline, ct).ConfigureAwait(false);

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var load = new Load(http, options, log);
        var loadTask = load.RunAsync(ct);
        var faults = await RunFaultsAsync(platform, options, clock, log, ct).ConfigureAwait(false);
        await loadTask.ConfigureAwait(false);
        log(string.Create(CultureInfo.InvariantCulture,
            $"load done at {clock.Elapsed.TotalSeconds:0}s: accepted={load.Accepted.Count} refused={load.Refused.Count} retries={load.Retries}"));

        var reconciliation = new Reconciliation(options, load.Accepted.Values.ToHashSet(), startedAt);
        var settled = await WaitForQuiescenceAsync(platform, staff, reconciliation, options, log, ct).ConfigureAwait(false);
        var errorQueues = await platform.ErrorQueuesAsync(ct).ConfigureAwait(false);
        var snapshot = await Snapshot.TakeAsync(staff, platform, options.Facility, startedAt, ct).ConfigureAwait(false);
        return reconciliation.Report(snapshot, settled, faults, load, errorQueues, platform.Broker.Description, options.Describe());
    }

    /// <summary>
    /// Each service killed <see cref="FaultRunOptions.Kills"/> times and the broker restarted <see cref="FaultRunOptions.BrokerRestarts"/>
    /// times, spread evenly over the time the concerns take to submit, one fault at a time (each recovered before the next).
    /// </summary>
    private static async Task<IReadOnlyList<FaultDone>> RunFaultsAsync(ProcessPlatform platform, FaultRunOptions options, Stopwatch clock, Action<string> log, CancellationToken ct)
    {
        var plan = new List<string>();
        var brokerRestarts = platform.Broker.CanRestart ? options.BrokerRestarts : 0;
        if (brokerRestarts < options.BrokerRestarts) log($"broker restarts skipped: this helper can restart only a private node ({platform.Broker.Description})");
        for (var round = 0; round < Math.Max(options.Kills, brokerRestarts); round++)
        {
            if (round < options.Kills) plan.AddRange(ServiceNames.Select(s => "kill " + s));
            if (round < brokerRestarts) plan.Add("restart broker");
        }

        var duration = TimeSpan.FromSeconds(options.Concerns / options.Rate);
        var done = new List<FaultDone>();
        for (var i = 0; i < plan.Count; i++)
        {
            var due = duration * (i + 1) / (plan.Count + 1);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct).ConfigureAwait(false);
            var at = clock.Elapsed;
            log(string.Create(CultureInfo.InvariantCulture, $"{at.TotalSeconds:0}s: {plan[i]}"));
            if (plan[i] == "restart broker") await platform.Broker.RestartAsync(ct).ConfigureAwait(false);
            else await platform.KillAndRestartAsync(plan[i]["kill ".Length..], ct).ConfigureAwait(false);
            var recovered = clock.Elapsed - at;
            log(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0}s: {plan[i]}: back in {recovered.TotalSeconds:0.0}s"));
            done.Add(new FaultDone(plan[i], Math.Round(at.TotalSeconds, 1), Math.Round(recovered.TotalSeconds, 1)));
        }

        return done;
    }

    /// <summary>
    /// Waits until every accepted concern has a case, every deadline due has fired, every delivery is final and nothing changed
    /// between two looks; false when <see cref="FaultRunOptions.QuiescenceTimeout"/> passes first (the report then shows what is missing).
    /// It looks at the lists' totals (<see cref="Counts"/>: a few one-item pages) until they say so, and only then reads
    /// everything once to check each deadline: a whole snapshot of a 1,000-concern run is 30,000 deliveries.
    /// </summary>
    private static async Task<bool> WaitForQuiescenceAsync(ProcessPlatform platform, StaffApi staff, Reconciliation reconciliation, FaultRunOptions options, Action<string> log, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        Counts? previous = null;
        while (deadline.Elapsed < options.QuiescenceTimeout)
        {
            var counts = await Counts.TakeAsync(staff, platform, options.Facility, reconciliation.StartedAt, ct).ConfigureAwait(false);
            var waitingFor = reconciliation.WaitingFor(counts);
            if (waitingFor is null && counts == previous)
            {
                var snapshot = await Snapshot.TakeAsync(staff, platform, options.Facility, reconciliation.StartedAt, ct).ConfigureAwait(false);
                waitingFor = reconciliation.WaitingFor(snapshot);
                if (waitingFor is null && Counts.Of(snapshot) == counts) return true;
                waitingFor ??= "the lists changed while they were read";
            }

            log(string.Create(CultureInfo.InvariantCulture, $"settling ({deadline.Elapsed.TotalSeconds:0}s): {waitingFor ?? "checking nothing changes"} [{counts}]"));
            previous = waitingFor is null ? counts : null;
            await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Concerns at a steady rate, each retried with its Idempotency-Key until answered 202 (or refused for good).</summary>
    public sealed class Load(HttpClient http, FaultRunOptions options, Action<string> log)
    {
        private int _retries;

        /// <summary>Idempotency key -> submission id of every concern answered 202.</summary>
        public ConcurrentDictionary<string, Guid> Accepted { get; } = new(StringComparer.Ordinal);

        /// <summary>Idempotency key -> the last answer of every concern never answered 202.</summary>
        public ConcurrentDictionary<string, string> Refused { get; } = new(StringComparer.Ordinal);

        public int Retries => Volatile.Read(ref _retries);

        public int Submitted => options.Concerns;

        public async Task RunAsync(CancellationToken ct)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var clock = Stopwatch.StartNew();
            var pending = new List<Task>(options.Concerns);
            for (var i = 0; i < options.Concerns; i++)
            {
                var due = TimeSpan.FromSeconds(i / options.Rate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct).ConfigureAwait(false);
                pending.Add(SubmitAsync($"faultrun-{run}-{i}", i, ct));
                if (i > 0 && i % 500 == 0) log(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0}s: {i} concerns started, {Accepted.Count} accepted"));
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }

        private async Task SubmitAsync(string key, int number, CancellationToken ct)
        {
            // No PHI beyond a made-up address on a reserved domain: the patient gets an acknowledgement by email.
            var body = new
            {
                facilityId = options.Facility, departmentId = options.Department, unitId = options.Unit, channel = "web", kind = "complaint",
                description = string.Create(CultureInfo.InvariantCulture, $"Waited a long time for the call bell to be answered (fault run concern {number})."),
                patient = new { email = string.Create(CultureInfo.InvariantCulture, $"patient-{number}@faultrun.example"), preferredLanguage = "en" },
                submitter = new { relationship = "self" },
                responseRequested = true,
            };
            var budget = Stopwatch.StartNew();
            var pause = TimeSpan.FromMilliseconds(250);
            var last = "not sent";
            while (budget.Elapsed < options.SubmitBudget)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(body) };
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
                        Accepted[key] = answer.GetProperty("submissionId").GetGuid();
                        return;
                    }

                    last = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode}");
                    // A 4xx other than 408/429 is final: the concern itself is refused, retrying changes nothing.
                    if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                    {
                        Refused[key] = last + " " + await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    last = ex.GetType().Name;
                }

                Interlocked.Increment(ref _retries);
                await Task.Delay(pause, ct).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }

            Refused[key] = "no 202 within the submit budget; last: " + last;
        }
    }

    /// <summary>Staff reads through the gateway with an admin development token, retried while a service restarts.</summary>
    public sealed class StaffApi(HttpClient http)
    {
        private string? _token;

        public async Task SignInAsync(CancellationToken ct)
        {
            var token = await RetryAsync(() => http.GetFromJsonAsync<JsonElement>("/dev/token?role=admin&facility=*", ct), ct).ConfigureAwait(false);
            _token = token.GetProperty("accessToken").GetString();
        }

        public async Task PutPolicyAsync(string facility, TimeSpan acknowledge, CancellationToken ct)
        {
            using var request = Request(HttpMethod.Put, $"/api/v1/facilities/{facility}/sla-policy");
            // Only the acknowledgement clock runs during the run: interim notice and response are hours away.
            request.Content = JsonContent.Create(new { acknowledge = XmlConvert.ToString(acknowledge), interimNotice = "PT2H", response = "PT4H", days = "calendar" });
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"PUT sla-policy: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        }

        private const int PageSize = 100;

        /// <summary>
        /// The most items read from one range before it is halved. Paging reaches <see cref="Paging.MaxReach"/>, but each page
        /// counts its whole range and skips every item before it, so reading 10,000 items as one range costs a hundred times
        /// the work of reading them as ten ranges of 1,000.
        /// </summary>
        private const int RangeItems = 1_000;

        /// <summary>How many items of a paged list were created in [from, to): one page of one item, for its total.</summary>
        public async Task<long> CountAsync(string path, string fromName, string toName, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var body = await RetryAsync(async () =>
            {
                using var request = Request(HttpMethod.Get, $"{Ranged(path, fromName, toName, from, to)}&page=1&pageSize=1");
                using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            return body.GetProperty("total").GetInt64();
        }

        private static string Ranged(string path, string fromName, string toName, DateTimeOffset from, DateTimeOffset to) =>
            string.Create(CultureInfo.InvariantCulture,
                $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{fromName}={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&{toName}={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}");

        /// <summary>
        /// Every item of a paged list created in [from, to) (the list's <paramref name="fromName"/> and <paramref name="toName"/>
        /// filters): a range holding more than <see cref="RangeItems"/> is read as two halves, as the services ask of a program
        /// that wants everything.
        /// </summary>
        public async Task<List<JsonElement>> ListAllAsync(string path, string fromName, string toName, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var items = new List<JsonElement>();
            var ranged = Ranged(path, fromName, toName, from, to);
            for (var page = 1; ; page++)
            {
                var body = await PageAsync(ranged, page, ct).ConfigureAwait(false);
                var total = body.GetProperty("total").GetInt64();
                if (page == 1 && total > RangeItems && to - from > TimeSpan.FromMilliseconds(2))
                {
                    var middle = from + (to - from) / 2;
                    items.AddRange(await ListAllAsync(path, fromName, toName, from, middle, ct).ConfigureAwait(false));
                    items.AddRange(await ListAllAsync(path, fromName, toName, middle, to, ct).ConfigureAwait(false));
                    return items;
                }

                var batch = body.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
                items.AddRange(batch);
                if (batch.Count < PageSize || items.Count >= total || page * PageSize >= Paging.MaxReach) return items;
            }
        }

        private Task<JsonElement> PageAsync(string path, int page, CancellationToken ct)
        {
            var url = string.Create(CultureInfo.InvariantCulture, $"{path}&page={page}&pageSize={PageSize}");
            return RetryAsync(async () =>
            {
                using var request = Request(HttpMethod.Get, url);
                using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
            }, ct);
        }

        private HttpRequestMessage Request(HttpMethod method, string url)
        {
            var request = new HttpRequestMessage(method, url);
            if (_token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            return request;
        }

        private static async Task<T> RetryAsync<T>(Func<Task<T>> action, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await action().ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < 30 && (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested)))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                }
            }
        }
    }
}
