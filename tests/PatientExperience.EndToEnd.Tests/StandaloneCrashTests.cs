using System.Globalization;
using PatientExperience.FaultRun;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// Issue 8 item 5: the embedded default (one process, in-memory transport, SQLite files) SIGKILLed while concerns arrive
/// and started again loses none of the concerns it answered 202: each ends with exactly one case.
/// </summary>
public sealed class StandaloneCrashTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly StandaloneHost _host = new("standalone-kill", new Dictionary<string, string?>
    {
        // One client submits every concern: the public forms' per-client limit must not refuse the test's rate.
        ["Gateway__PublicPermitLimit"] = "1000000",
        ["Logging__LogLevel__Default"] = "Warning",
    });
    private ServiceProcess? _standalone;

    private Uri Gateway => _host.Gateway;

    public async ValueTask InitializeAsync() => _standalone = await StartAsync("standalone");

    private Task<ServiceProcess> StartAsync(string name) => _host.StartAsync(name, TimeSpan.FromSeconds(120));

    [Fact]
    public async Task Killing_the_standalone_process_while_concerns_arrive_loses_none_it_accepted()
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        // 300 concerns, killed once 100 are accepted: the crash falls mid-stream with concerns in every stage (accepted and in
        // intake's outbox, on the bus, being opened), which is what the test is about; more concerns only lengthen CI.
        var options = new FaultRunOptions { Concerns = 300, Rate = 50, SubmitBudget = TimeSpan.FromMinutes(3) };
        var load = new FaultRunner.Load(http, options, _ => { });
        var submitting = load.RunAsync(Ct);

        // Kill -9 mid-stream, with concerns accepted and in flight, then start it again on the same files.
        await Eventually.UntilAsync(() => load.Accepted.Count >= 100, "100 concerns to be accepted before the crash", TimeSpan.FromMinutes(2));
        _standalone!.Kill();
        var acceptedBeforeCrash = load.Accepted.Count;
        await _standalone.DisposeAsync();
        _standalone = await StartAsync("standalone (restarted)");
        await submitting;

        Assert.Empty(load.Refused);
        Assert.Equal(options.Concerns, load.Accepted.Count);
        var staff = new FaultRunner.StaffApi(http);
        await staff.SignInAsync(Ct);
        var accepted = load.Accepted.Values.ToHashSet();
        Dictionary<Guid, int> casesBySubmission = [];
        await Eventually.UntilAsync(async () =>
        {
            var cases = await staff.ListAllAsync($"/api/v1/cases?facilityId={options.Facility}", "createdFrom", "createdTo", DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), Ct);
            casesBySubmission = cases.Select(c => (Case: c.GetProperty("caseId").GetGuid(), Submission: c.GetProperty("submissionId").GetGuid()))
                .DistinctBy(c => c.Case).GroupBy(c => c.Submission).ToDictionary(g => g.Key, g => g.Count());
            return accepted.All(casesBySubmission.ContainsKey);
        }, TimeSpan.FromMinutes(2), "every accepted concern to have a case after the restart", Ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        var lost = accepted.Where(id => !casesBySubmission.ContainsKey(id)).ToList();
        var doubled = casesBySubmission.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        Assert.True(lost.Count == 0 && doubled.Count == 0,
            $"{acceptedBeforeCrash} accepted before the crash, {accepted.Count} in all: {lost.Count} without a case, {doubled.Count} with more than one.{System.Environment.NewLine}{_standalone.Output}");
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
