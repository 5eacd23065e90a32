using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// Issue 15 item 5: two case service processes consuming the same queues over one broker, on one store, open each concern
/// once and escalate each case once per missed deadline: competing consumers, two outbox relays and two durable schedulers
/// over the same outbox and timers.
/// </summary>
public sealed class CaseReplicaTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Facility = "mesa-valley";
    private const int Concerns = 40;

    [Fact]
    public async Task Two_case_processes_on_one_broker_and_one_store_open_each_concern_once_and_escalate_it_once_per_level()
    {
        platform.Require();
        var admin = await platform.StaffClientAsync("admin", "*");
        var policy = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/sla-policy",
            new { acknowledge = "PT4S", interimNotice = "PT10M", response = "PT20M", days = "calendar" }, Ct);
        Assert.True(policy.IsSuccessStatusCode, $"PUT sla-policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync(Ct)}");
        await using var replica = await platform.StartCaseReplicaAsync(Ct);
        string Diagnostics() => $"{platform.AllOutput()}{Environment.NewLine}--- {replica.Name} ---{Environment.NewLine}{replica.Output}";
        var staff = await platform.StaffClientAsync();
        var run = Guid.NewGuid().ToString("N")[..8];

        var submissions = new List<Guid>();
        for (var i = 0; i < Concerns; i++)
        {
            submissions.Add(await ConcernToCaseTests.SubmitAsync(platform.AnonymousClient(), new
            {
                facilityId = Facility, departmentId = "cardiology", unitId = "cvicu", channel = "phone", kind = "complaint",
                description = "The call bell was not answered overnight", responseRequested = false,
            }, $"replicas-{run}-{i}", Diagnostics));
        }

        var caseIds = await Task.WhenAll(submissions.Select(s => ConcernToCaseTests.CaseIdOfAsync(staff, s, Diagnostics)));
        var escalated = await Task.WhenAll(caseIds.Select(async id =>
        {
            JsonElement? seen = null;
            try
            {
                return await Eventually.UntilAsync<object>(async () =>
                {
                    var c = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{id}", Ct);
                    seen = c;
                    return c.GetProperty("escalationLevel").GetString() == "executive" ? c : null;
                }, TimeSpan.FromSeconds(90), $"case {id} to reach the executive level", Ct);
            }
            catch (TimeoutException e)
            {
                // Said when it fails, not when the wait began: the case as staff see it, the store's saga and timers, the logs.
                var history = seen is { } c
                    ? string.Join(Environment.NewLine, c.GetProperty("history").EnumerateArray().Select(h => $"  {h.GetProperty("at")} {h.GetProperty("action")} {h.GetProperty("detail")}"))
                    : "  (never read)";
                throw new TimeoutException(string.Join(Environment.NewLine, e.Message, $"--- case {id} as staff see it: level {seen?.GetProperty("escalationLevel")} ---", history,
                    platform.CaseEscalationDiagnostics(id), Diagnostics()), e);
            }
        }));

        foreach (JsonElement c in escalated)
        {
            var breaches = c.GetProperty("history").EnumerateArray()
                .Where(h => h.GetProperty("action").GetString() == "sla-breached").Select(h => h.GetProperty("detail").GetString()!).ToList();
            Assert.True(breaches.Count(d => d.Contains("missed at level unit", StringComparison.Ordinal)) == 1, c.ToString());
            Assert.True(breaches.Count(d => d.Contains("missed at level department", StringComparison.Ordinal)) == 1, c.ToString());
        }

        // One case per concern, however the two replicas shared the messages.
        var ours = submissions.ToHashSet();
        var listed = new List<Guid>();
        for (var page = 1; ; page++)
        {
            var items = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases?facilityId={Facility}&pageSize=100&page={page}", Ct)).GetProperty("items");
            listed.AddRange(items.EnumerateArray().Select(c => c.GetProperty("submissionId").GetGuid()).Where(ours.Contains));
            if (items.GetArrayLength() < 100) break;
        }

        Assert.Equal(submissions.Order(), listed.Order());
        // Both replicas took part: the second (which serves no HTTP, so its log keeps every line) opened some cases, not all.
        var openedBySecond = replica.Lines.Count(l => l.Contains("Opened case", StringComparison.Ordinal));
        Assert.True(openedBySecond is > 0 and < Concerns, $"the second replica opened {openedBySecond} of {Concerns} cases");
    }
}
