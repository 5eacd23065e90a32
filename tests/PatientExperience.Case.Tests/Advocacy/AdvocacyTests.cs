using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Advocacy;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;

namespace PatientExperience.Case.Tests.Advocacy;

/// <summary>
/// The advocate roster, assignment policies and matching through the whole service: the directory takes languages, capacity
/// and leave; a facility in auto mode assigns each new case to the advocate matching chooses (reason in the timeline);
/// balanced assignment on demand; an advocate's cases offered for reassignment; scope and roles on every endpoint.
/// </summary>
public sealed class AdvocacyTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryStore Directory => app.Services.GetRequiredService<DirectoryStore>();

    /// <summary>A facility of its own, with advocates (id suffix, languages, capacity), in <paramref name="mode"/>.</summary>
    private async Task<string> FacilityAsync(AssignmentMode? mode, params (string Suffix, string[] Languages, int? Capacity)[] advocates)
    {
        var id = "adv-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await Directory.TryAddAsync(new Facility
        {
            Id = id, Name = "Harbor East " + id, HealthSystem = "Harbor Health", TimeZone = "America/Chicago",
            Departments = [new Department { Id = "emergency", Name = "Emergency", Units = [new Unit { Id = "ed", Name = "ED" }] }],
        }, Ct));
        foreach (var (suffix, languages, capacity) in advocates)
        {
            Assert.True(await Directory.TryAddPersonAsync(new Person
            {
                Id = $"{id}-{suffix}", Name = "Advocate " + suffix, Email = $"{suffix}@{id}.example.org", Roles = ["advocate"],
                Covers = [new Coverage { FacilityId = id }], Languages = languages, Capacity = capacity,
            }, Ct));
        }

        if (mode is { } m)
        {
            var response = await app.ClientFor("admin", id).PutAsJsonAsync($"/api/v1/facilities/{id}/assignment-policy", new { mode = m.ToWire() }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return id;
    }

    private static FeedbackSubmitted Concern(string facilityId, string? language = null, string? patientReference = null) =>
        Samples.Feedback(facilityId, departmentId: "emergency", unitId: "ed") with { PreferredLanguage = language, PatientReference = patientReference };

    /// <summary>Opens a case and waits until automatic assignment has given it an advocate.</summary>
    private async Task<CaseFile> OpenAssignedAsync(FeedbackSubmitted submitted)
    {
        var opened = await app.OpenCaseAsync(submitted);
        CaseFile? assigned = null;
        await Eventually.UntilAsync(async () => (assigned = (await app.Cases.GetAsync(opened.Document.Id, Ct))?.Document)?.AssigneeId is not null,
            $"case {opened.Document.Id} to be assigned automatically");
        return assigned!;
    }

    [Fact]
    public async Task People_carry_languages_capacity_and_leave_and_bad_values_are_refused_by_field()
    {
        var facility = await FacilityAsync(null);
        var admin = app.ClientFor("admin", facility);
        var body = new
        {
            id = facility + "-new", name = "Rosa Delgado", email = "rosa.delgado@example.org", roles = new[] { "advocate" },
            covers = new[] { new { facilityId = facility } }, languages = new[] { "ES-mx", "en", "es-MX" }, capacity = 12,
            onLeave = new { from = "2026-12-20T00:00:00Z", to = "2027-01-04T00:00:00Z" },
        };
        var created = await admin.PostAsJsonAsync("/api/v1/people", body, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = await created.Content.ReadFromJsonAsync<PersonView>(Ct);
        Assert.Equal(["es-MX", "en"], person!.Languages);
        Assert.Equal(12, person.Capacity);
        Assert.Equal(new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero), person.OnLeave!.To);

        var bad = await admin.PostAsJsonAsync("/api/v1/people", body with
        {
            id = facility + "-bad", languages = new[] { "en", "Spanish" }, capacity = 0, onLeave = new { from = "2026-12-20T00:00:00Z", to = "2026-12-01T00:00:00Z" },
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("languages[1]", out _));
        Assert.True(errors.TryGetProperty("capacity", out _));
        Assert.True(errors.TryGetProperty("onLeave.to", out _));
        Assert.Null(await Directory.GetPersonAsync(facility + "-bad", Ct));
    }

    [Fact]
    public async Task The_roster_lists_a_facilitys_advocates_with_their_caseload_to_its_staff_only()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("a", ["en", "es"], 5), ("b", ["en", "vi"], 5));
        await OpenAssignedAsync(Concern(facility, "vi"));

        var roster = (await app.ClientFor("unit-manager", facility).GetFromJsonAsync<List<AdvocateView>>($"/api/v1/advocates?facilityId={facility}", Ct))!;
        Assert.Equal([$"{facility}-a", $"{facility}-b"], roster.Select(a => a.Id));
        Assert.Equal((0, 1), (roster[0].OpenCases, roster[1].OpenCases));
        Assert.Equal(["en", "vi"], roster[1].Languages);
        Assert.All(roster, a => Assert.True(a.Available));

        // The demo health system has advocates in every facility, speaking English and Spanish at least.
        foreach (var demo in new[] { Samples.Riverside, Samples.Mesa, Samples.StBrendans })
        {
            var advocates = await app.ClientFor("patient-relations", demo).GetFromJsonAsync<List<AdvocateView>>($"/api/v1/advocates?facilityId={demo}", Ct);
            Assert.Contains(advocates!, a => a.Languages.Contains("es"));
            Assert.Contains(advocates!, a => a.Languages.Contains("en"));
            Assert.Contains(advocates!, a => a.Languages.Any(l => l is not ("en" or "es")));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync($"/api/v1/advocates?facilityId={facility}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.ClientFor("patient-relations", facility).GetAsync("/api/v1/advocates", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/v1/advocates?facilityId={facility}", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_assignment_policy_is_manual_until_set_and_each_change_is_kept_with_who_and_when()
    {
        var facility = await FacilityAsync(null);
        var url = $"/api/v1/facilities/{facility}/assignment-policy";
        var initial = await app.ClientFor("advocate", facility).GetFromJsonAsync<AssignmentPolicyView>(url, Ct);
        Assert.Equal(("manual", 0L), (initial!.Mode, initial.Version));

        var editor = app.ClientFor("patient-relations", facility);
        var set = await (await editor.PutAsJsonAsync(url, new { mode = "auto" }, Ct)).Content.ReadFromJsonAsync<AssignmentPolicyView>(Ct);
        Assert.Equal(("auto", 1L), (set!.Mode, set.Version));
        Assert.Equal("test-patient-relations", Assert.Single(set.Changes).By);

        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { mode = "manual" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await editor.SendAsync(stale, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await editor.PutAsJsonAsync(url, new { mode = "round-robin" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("advocate", facility).PutAsJsonAsync(url, new { mode = "manual" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("admin", Samples.Mesa).PutAsJsonAsync(url, new { mode = "manual" }, Ct)).StatusCode);
        Assert.Equal("auto", (await editor.GetFromJsonAsync<AssignmentPolicyView>(url, Ct))!.Mode);
    }

    [Fact]
    public async Task In_auto_mode_a_spanish_speaking_patients_case_goes_to_a_spanish_speaking_advocate_with_the_reason_in_its_timeline()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("en-only", ["en"], 10), ("bilingual", ["en", "es"], 10));

        var assigned = await OpenAssignedAsync(Concern(facility, "es-MX"));

        Assert.Equal($"{facility}-bilingual", assigned.AssigneeId);
        var matched = Assert.Single(assigned.History, h => h.Action == "advocate-matched");
        Assert.Equal("system", matched.Actor);
        Assert.Contains("Speaks the patient's language (es)", matched.Detail ?? "", StringComparison.Ordinal);
        var published = await app.PublishedAsync<CaseAssigned>(e => e.CaseId == assigned.Id);
        Assert.Equal($"{facility}-bilingual", Assert.Single(published.Recipients).PersonId);
    }

    [Fact]
    public async Task In_manual_mode_a_new_case_stays_unassigned()
    {
        var facility = await FacilityAsync(AssignmentMode.Manual, ("a", ["en"], 10));
        var opened = await app.OpenCaseAsync(Concern(facility));
        var autoAssignment = app.Harness.GetConsumerHarness<AutoAssignmentConsumer>();
        await Eventually.UntilAsync(() => autoAssignment.Consumed.Select<CaseOpened>(new CancellationToken(true)).Any(m => m.Context.Message.CaseId == opened.Document.Id),
            "the auto-assignment consumer to have handled CaseOpened");
        Assert.Null((await app.Cases.GetAsync(opened.Document.Id, Ct))!.Document.AssigneeId);
    }

    [Fact]
    public async Task Cases_opened_one_after_another_spread_evenly_over_advocates_of_equal_capacity()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("a", ["en"], 10), ("b", ["en", "es"], 10), ("c", ["en"], 10));

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 10; i++)
        {
            var c = await OpenAssignedAsync(Concern(facility));
            counts[c.AssigneeId!] = counts.GetValueOrDefault(c.AssigneeId!) + 1;
            Assert.True(counts.Count < 3 || counts.Values.Max() - counts.Values.Min() <= 1, $"after {i + 1}: {string.Join(", ", counts)}");
        }

        Assert.Equal(3, counts.Count);
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1, string.Join(", ", counts));
    }

    [Fact]
    public async Task Cases_opened_at_the_same_instant_never_take_an_advocate_past_capacity()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("a", ["en"], 2), ("b", ["en"], 1));
        var concerns = Enumerable.Range(0, 12).Select(_ => Concern(facility)).ToList();

        await Task.WhenAll(concerns.Select(c => app.Harness.Bus.Publish(c, Ct)));
        var assigner = app.Harness.GetConsumerHarness<AutoAssignmentConsumer>();
        List<CaseFile> cases = [];
        await Eventually.UntilAsync(async () =>
        {
            cases = [];
            foreach (var c in concerns) if (await app.Cases.FindBySubmissionAsync(c.SubmissionId, Ct) is { } found) cases.Add(found.Document);
            var caseIds = cases.Select(c => c.Id).ToHashSet();
            return cases.Count == concerns.Count
                && assigner.Consumed.Select<CaseOpened>(new CancellationToken(true)).Select(m => m.Context.Message.CaseId).Distinct().Count(caseIds.Contains) == concerns.Count;
        }, "every case opened and through automatic assignment");
        cases = [];
        foreach (var c in concerns) cases.Add((await app.Cases.FindBySubmissionAsync(c.SubmissionId, Ct))!.Document);

        var load = cases.Where(c => c.AssigneeId is not null).GroupBy(c => c.AssigneeId!).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(load.GetValueOrDefault($"{facility}-a") <= 2 && load.GetValueOrDefault($"{facility}-b") <= 1, string.Join(", ", load));
        Assert.Equal(3, load.Values.Sum());
        Assert.Equal(9, cases.Count(c => c.AssigneeId is null));
    }

    [Fact]
    public async Task A_returning_patient_keeps_their_advocate_though_another_is_less_loaded()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("a", ["en"], 10), ("b", ["en"], 10));
        var patient = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var first = await OpenAssignedAsync(Concern(facility, patientReference: patient));

        var second = await OpenAssignedAsync(Concern(facility, patientReference: patient));

        Assert.Equal(first.AssigneeId, second.AssigneeId);
        Assert.Contains(second.History, h => h.Action == "advocate-matched" && h.Detail!.Contains("Returning patient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Balanced_assignment_on_demand_chooses_by_the_same_rules_and_a_wrong_strategy_changes_nothing()
    {
        var facility = await FacilityAsync(AssignmentMode.Manual, ("a", ["en"], 10), ("b", ["en", "pl"], 10));
        var opened = await app.OpenCaseAsync(Concern(facility, "pl"));
        var client = app.ClientFor("patient-relations", facility);

        async Task<HttpResponseMessage> AssignAsync(object body)
        {
            var current = (await app.Cases.GetAsync(opened.Document.Id, Ct))!;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{opened.Document.Id}/assign") { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{current.Version}\"");
            return await client.SendAsync(request, Ct);
        }

        var wrong = await AssignAsync(new { strategy = "random" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Null((await app.Cases.GetAsync(opened.Document.Id, Ct))!.Document.AssigneeId);

        var response = await AssignAsync(new { strategy = "balanced" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<CaseView>(Ct);
        Assert.Equal($"{facility}-b", view!.AssigneeId);
        Assert.Contains(view.History, h => h.Action == "advocate-matched" && h.Actor == "test-patient-relations");
    }

    [Fact]
    public async Task An_advocate_going_on_leave_has_their_open_cases_offered_to_the_others()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("leaving", ["en", "es"], 10), ("staying", ["en"], 10));
        var c = await OpenAssignedAsync(Concern(facility, "es"));
        Assert.Equal($"{facility}-leaving", c.AssigneeId);
        var stored = (await Directory.GetPersonAsync($"{facility}-leaving", Ct))!;
        var leave = new LeavePeriod(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(15));
        await Directory.ReplacePersonAsync(stored.Document with { OnLeave = leave }, stored.Version, Ct);

        var url = $"/api/v1/advocates/{facility}-leaving/reassignment-candidates";
        var candidates = await app.ClientFor("patient-relations", facility).GetFromJsonAsync<ReassignmentCandidates>(url, Ct);

        Assert.Equal(leave, candidates!.OnLeave);
        var offered = Assert.Single(candidates.Cases);
        Assert.Equal((c.Id, $"{facility}-staying"), (offered.CaseId, offered.SuggestedAdvocateId));
        Assert.Contains("No available advocate speaks the patient's language (es)", offered.Reason, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("advocate", facility).GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync(url, Ct)).StatusCode);
    }

    [Fact]
    public async Task Giving_an_advocate_leave_tells_the_facilitys_patient_relations_leads_how_many_cases_to_reassign_once()
    {
        var facility = await FacilityAsync(AssignmentMode.Auto, ("leaving", ["en", "es"], 10), ("staying", ["en"], 10));
        Assert.True(await Directory.TryAddPersonAsync(new Person
        {
            Id = $"{facility}-lead", Name = "Lead " + facility, Email = $"lead@{facility}.example.org", Roles = ["patient-relations"], Covers = [new Coverage { FacilityId = facility }],
        }, Ct));
        var c = await OpenAssignedAsync(Concern(facility, "es"));
        Assert.Equal($"{facility}-leaving", c.AssigneeId);

        var admin = app.ClientFor("admin", facility);
        var read = await admin.GetAsync($"/api/v1/people/{facility}-leaving", Ct);
        var leave = new LeavePeriod(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(15));
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/people/{facility}-leaving")
        {
            Content = JsonContent.Create(new
            {
                name = "Advocate leaving", email = $"leaving@{facility}.example.org", roles = new[] { "advocate" }, covers = new[] { new { facilityId = facility } },
                languages = new[] { "en", "es" }, capacity = 10, onLeave = new { from = leave.From, to = leave.To },
            }),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        var updated = await admin.SendAsync(put, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var notice = await app.PublishedAsync<Contracts.Notification.SendNotification>(n => n.NotificationId == LeaveReassignmentNotices.NoticeIdFor($"{facility}-leaving", leave, facility));
        Assert.Equal([$"{facility}-lead"], notice.Recipients.Select(r => r.PersonId));
        Assert.Equal(facility, notice.FacilityId);
        Assert.Contains("1 open case at", notice.Message, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/advocates/{facility}-leaving/reassignment-candidates", notice.Message, StringComparison.Ordinal);

        // The same leave saved again, leave that is over, or someone who is not an advocate: no notice.
        var notices = app.Services.GetRequiredService<LeaveReassignmentNotices>();
        var leaving = (await Directory.GetPersonAsync($"{facility}-leaving", Ct))!.Document;
        Assert.Empty(await notices.ForAsync(leaving, leaving with { Capacity = 11 }, "test", DateTimeOffset.UtcNow, Ct));
        Assert.Empty(await notices.ForAsync(leaving with { OnLeave = null }, leaving, "test", leave.To, Ct));
        Assert.Empty(await notices.ForAsync(leaving with { OnLeave = null }, leaving with { Roles = ["unit-manager"] }, "test", DateTimeOffset.UtcNow, Ct));
        Assert.Single(await notices.ForAsync(leaving with { OnLeave = null }, leaving, "test", DateTimeOffset.UtcNow, Ct));
    }
}
