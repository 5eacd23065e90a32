using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Survey.Outreach;
using PatientExperience.Survey.Outreach.Events;

namespace PatientExperience.Survey.Tests;

/// <summary>
/// Focus groups and community events: planned with checked input, recruited among consenting respondents who match, answered
/// once per single-use link, never past capacity however many answer at once, reminded the day before on the fake clock,
/// and their attendance and themes recorded (themes encrypted, reads audited) and linked to improvement actions.
/// </summary>
public sealed class OutreachEventTests : IAsyncLifetime
{
    private readonly SurveyApp _app = SurveyApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private DateTimeOffset StartsAt => SurveyApp.Start.AddDays(3);

    private object EventBody(int capacity = 8, string[]? languages = null, object? criteria = null, string facilityId = SurveyApp.FacilityA) => new
    {
        facilityId, kind = "focus-group", topic = "Coming home after a hip replacement", startsAt = StartsAt, location = "Riverside, conference room B",
        capacity, languages = languages ?? ["en", "es"], criteria = criteria ?? new { languages = Array.Empty<string>(), ageBands = Array.Empty<string>(), unitIds = Array.Empty<string>() },
    };

    private async Task<OutreachConsent> ConsentAsync(string language = "en", string ageBand = "65-79", string? unitId = "4-west", string facilityId = SurveyApp.FacilityA)
    {
        var consent = new OutreachConsent
        {
            ResponseId = Guid.NewGuid(), FacilityId = facilityId, DepartmentId = "medicine", UnitId = unitId, Language = language, AgeBand = ageBand,
            ContactReference = Guid.NewGuid(), SurveyId = "inpatient-experience", ConsentedAt = _app.Clock.GetUtcNow(),
        };
        await _app.Services.GetRequiredService<OutreachStore>().AddOnceAsync(consent, Ct);
        return consent;
    }

    private async Task<Guid> PlanAsync(object body)
    {
        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        using var response = await staff.PostAsJsonAsync("/api/v1/outreach/events", body, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> PostAsync(Guid eventId, string action, object? body = null)
    {
        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        return await staff.PostAsJsonAsync($"/api/v1/outreach/events/{eventId}/{action}", body ?? new { }, Ct);
    }

    private async Task<JsonElement> GetEventAsync(Guid eventId)
    {
        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        return await staff.GetFromJsonAsync<JsonElement>($"/api/v1/outreach/events/{eventId}", Ct);
    }

    private IReadOnlyList<SendOutreachMessage> Sent(Guid eventId, OutreachMessageKind kind) =>
        _app.Published<SendOutreachMessage>().Where(m => m.OutreachEventId == eventId && m.Kind == kind).ToList();

    /// <summary>Starts recruitment and waits until <paramref name="expected"/> invitations have gone out; answers their tokens.</summary>
    private async Task<IReadOnlyList<(SendOutreachMessage Sent, string Token)>> RecruitAsync(Guid eventId, int expected)
    {
        using (var recruit = await PostAsync(eventId, "recruit")) Assert.Equal(HttpStatusCode.OK, recruit.StatusCode);
        await Eventually(() => Sent(eventId, OutreachMessageKind.Invitation).Count >= expected, $"{expected} invitation(s) to be sent");
        await Eventually(() => _app.Harness.Consumed.Select<OutreachRecruitmentRequested>(new CancellationToken(true)).Any(m => m.Context.Message.EventId == eventId), "the recruitment to finish");
        return Sent(eventId, OutreachMessageKind.Invitation).Select(s => (s, TokenOf(s))).ToList();
    }

    private static string TokenOf(SendOutreachMessage sent)
    {
        Assert.StartsWith(SurveyApp.PublicBaseUrl + "/outreach/rsvp/", sent.Link, StringComparison.Ordinal);
        return sent.Link![(SurveyApp.PublicBaseUrl.Length + "/outreach/rsvp/".Length)..];
    }

    private async Task<HttpResponseMessage> RsvpAsync(string token, bool attending)
    {
        using var patient = _app.CreateClient();
        return await patient.PostAsJsonAsync($"/api/v1/outreach/rsvp/{token}", new { attending }, Ct);
    }

    [Fact]
    public async Task An_event_is_planned_with_checked_input_and_seen_only_within_the_callers_facilities()
    {
        var id = await PlanAsync(EventBody(criteria: new { languages = new[] { "es" }, ageBands = new[] { "65-79", "80-plus" }, unitIds = new[] { "4-west" } }));
        var planned = await GetEventAsync(id);
        Assert.Equal("planned", planned.GetProperty("status").GetString());
        Assert.Equal("focus-group", planned.GetProperty("kind").GetString());
        Assert.Equal(["65-79", "80-plus"], planned.GetProperty("criteria").GetProperty("ageBands").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(8, planned.GetProperty("seatsLeft").GetInt32());

        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        var bad = new (string Json, string[] Fields)[]
        {
            ("""{"facilityId":"riverside","kind":"picnic","topic":"t","startsAt":"2026-03-13T18:00:00Z","location":"l","capacity":5,"languages":["en"]}""", ["kind"]),
            ("""{"facilityId":"riverside","kind":"focus-group","topic":"","startsAt":"2026-03-01T18:00:00Z","location":"l","capacity":0,"languages":["fr"]}""", ["topic", "startsAt", "capacity", "languages"]),
            ("""{"facilityId":"riverside","kind":"community-event","topic":"t","startsAt":"2026-03-13T18:00:00Z","location":"l","capacity":5,"languages":["en"],"criteria":{"languages":["es"],"ageBands":["under-18"],"unitIds":["4 west"]}}""",
                ["criteria.languages", "criteria.ageBands", "criteria.unitIds"]),
            ("""{"facilityId":"riverside","kind":"focus-group","topic":"t","startsAt":"2026-03-13T18:00:00Z","location":"l","capacity":5,"languages":["en"],"seats":5}""", ["seats"]),
        };
        foreach (var (json, fields) in bad)
        {
            using var refused = await staff.PostAsync("/api/v1/outreach/events", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            Assert.Equal(fields.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        var list = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/outreach/events?facilityId={SurveyApp.FacilityA}", Ct);
        Assert.Equal(1, list.GetProperty("total").GetInt32());

        using (var elsewhere = await staff.PostAsJsonAsync("/api/v1/outreach/events", EventBody(facilityId: SurveyApp.FacilityB), Ct))
            Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        using var advocate = _app.ClientFor("advocate", SurveyApp.FacilityA);
        using (var notAnEditor = await advocate.PostAsJsonAsync("/api/v1/outreach/events", EventBody(), Ct))
            Assert.Equal(HttpStatusCode.Forbidden, notAnEditor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await advocate.GetAsync($"/api/v1/outreach/events/{id}", Ct)).StatusCode);
        using var otherFacility = _app.ClientFor("patient-relations", SurveyApp.FacilityB);
        Assert.Equal(HttpStatusCode.NotFound, (await otherFacility.GetAsync($"/api/v1/outreach/events/{id}", Ct)).StatusCode);
        Assert.Equal(0, (await otherFacility.GetFromJsonAsync<JsonElement>("/api/v1/outreach/events", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await otherFacility.GetAsync($"/api/v1/outreach/events?facilityId={SurveyApp.FacilityA}", Ct)).StatusCode);

        // The same Idempotency-Key again answers the event it made.
        using var keyed = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        keyed.DefaultRequestHeaders.Add("Idempotency-Key", "plan-1");
        using var first = await keyed.PostAsJsonAsync("/api/v1/outreach/events", EventBody(), Ct);
        using var again = await keyed.PostAsJsonAsync("/api/v1/outreach/events", EventBody(), Ct);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid(), (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Recruitment_invites_each_consenting_respondent_who_matches_the_criteria_once_with_a_hashed_token()
    {
        var match1 = await ConsentAsync(language: "es", ageBand: "65-79");
        var match2 = await ConsentAsync(language: "es", ageBand: "80-plus");
        await ConsentAsync(language: "en", ageBand: "65-79");                         // language
        await ConsentAsync(language: "es", ageBand: "35-49");                         // age band
        await ConsentAsync(language: "es", ageBand: "65-79", unitId: "icu");          // unit
        await ConsentAsync(language: "es", ageBand: "65-79", unitId: null);           // unit unknown
        await ConsentAsync(language: "es", ageBand: "65-79", facilityId: SurveyApp.FacilityB); // facility
        var id = await PlanAsync(EventBody(criteria: new { languages = new[] { "es" }, ageBands = new[] { "65-79", "80-plus" }, unitIds = new[] { "4-west" } }));

        var invited = await RecruitAsync(id, 2);

        Assert.Equal(new[] { match1.ContactReference, match2.ContactReference }.Order(), invited.Select(i => i.Sent.ContactReference).Order());
        Assert.All(invited, i =>
        {
            Assert.Equal("es", i.Sent.Language);
            Assert.Equal(OutreachEventKind.FocusGroup, i.Sent.EventKind);
            Assert.Equal(43, i.Token.Length); // 256 bits, base64url
        });
        var store = _app.Services.GetRequiredService<OutreachEventStore>();
        foreach (var (sent, token) in invited)
        {
            var stored = (await store.GetInvitationAsync(sent.OutreachInvitationId, Ct))!.Document;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))), stored.TokenHash);
            Assert.DoesNotContain(token, JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        }

        // Recruiting again (for respondents who consented since) invites the new match only.
        var late = await ConsentAsync(language: "es", ageBand: "65-79");
        using (var again = await PostAsync(id, "recruit")) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await Eventually(() => Sent(id, OutreachMessageKind.Invitation).Count == 3, "the late consent to be invited");
        await Eventually(() => _app.Harness.Consumed.Select<OutreachRecruitmentRequested>(new CancellationToken(true)).Count(m => m.Context.Message.EventId == id) == 2, "the second recruitment to finish");
        Assert.Single(Sent(id, OutreachMessageKind.Invitation), s => s.ContactReference == late.ContactReference);
        Assert.Equal(3, (await GetEventAsync(id)).GetProperty("invited").GetInt64());
        Assert.Equal("recruiting", (await GetEventAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Yeses_sent_at_once_never_take_more_seats_than_the_event_has_and_the_full_event_stops_recruiting()
    {
        for (var i = 0; i < 12; i++) await ConsentAsync();
        var id = await PlanAsync(EventBody(capacity: 3));
        var invited = await RecruitAsync(id, 12);

        var answers = await Task.WhenAll(invited.Take(10).Select(i => RsvpAsync(i.Token, attending: true)));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(7, refused.Count);
        foreach (var r in refused)
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Equal("The event is full.", (await r.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        }

        foreach (var a in answers) a.Dispose();
        var full = await GetEventAsync(id);
        Assert.Equal(("full", 3, 0), (full.GetProperty("status").GetString(), full.GetProperty("attending").GetInt32(), full.GetProperty("seatsLeft").GetInt32()));

        // A no is still taken; recruiting again is refused and invites nobody.
        using (var no = await RsvpAsync(invited[10].Token, attending: false)) Assert.Equal(HttpStatusCode.OK, no.StatusCode);
        await ConsentAsync();
        using var recruit = await PostAsync(id, "recruit");
        Assert.Equal(HttpStatusCode.Conflict, recruit.StatusCode);
        Assert.Contains("full", (await recruit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(12, Sent(id, OutreachMessageKind.Invitation).Count);
        Assert.Equal(1, (await GetEventAsync(id)).GetProperty("declined").GetInt32());
    }

    [Fact]
    public async Task A_link_answers_once_and_unknown_malformed_or_cancelled_ones_change_nothing()
    {
        await ConsentAsync();
        await ConsentAsync();
        var id = await PlanAsync(EventBody());
        var invited = await RecruitAsync(id, 2);
        var token = invited[0].Token;
        using var patient = _app.CreateClient();

        var shown = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/outreach/rsvp/{token}", Ct);
        Assert.Equal(("Coming home after a hip replacement", true, JsonValueKind.Null),
            (shown.GetProperty("topic").GetString(), shown.GetProperty("open").GetBoolean(), shown.GetProperty("attending").ValueKind));
        using (var missing = await patient.PostAsync($"/api/v1/outreach/rsvp/{token}", new StringContent("{}", Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using (var misspelt = await patient.PostAsync($"/api/v1/outreach/rsvp/{token}", new StringContent("""{"attend":true}""", Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        using (var yes = await RsvpAsync(token, attending: true)) Assert.Equal(HttpStatusCode.OK, yes.StatusCode);
        var before = await GetEventAsync(id);
        using (var second = await RsvpAsync(token, attending: false))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Equal("Already answered.", (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        }

        Assert.Equal(before.GetProperty("version").GetInt64(), (await GetEventAsync(id)).GetProperty("version").GetInt64());
        Assert.True((await patient.GetFromJsonAsync<JsonElement>($"/api/v1/outreach/rsvp/{token}", Ct)).GetProperty("attending").GetBoolean());

        foreach (var bad in new[] { PatientExperience.Survey.Invitations.SurveyToken.New(), "not-a-token", token[..^1] + (token[^1] == 'A' ? 'B' : 'A') })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await patient.GetAsync($"/api/v1/outreach/rsvp/{bad}", Ct)).StatusCode);
            using var post = await RsvpAsync(bad, attending: true);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        using (var cancel = await PostAsync(id, "cancel")) Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        using (var afterCancel = await RsvpAsync(invited[1].Token, attending: true)) Assert.Equal(HttpStatusCode.Conflict, afterCancel.StatusCode);
        var cancelled = await GetEventAsync(id);
        Assert.Equal(("cancelled", 1), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("attending").GetInt32()));
    }

    [Fact]
    public async Task The_day_before_the_event_those_attending_are_reminded_once()
    {
        for (var i = 0; i < 3; i++) await ConsentAsync(language: i == 0 ? "es" : "en");
        var id = await PlanAsync(EventBody());
        var invited = await RecruitAsync(id, 3);
        using (var a = await RsvpAsync(invited[0].Token, true)) Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        using (var b = await RsvpAsync(invited[1].Token, true)) Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        using (var c = await RsvpAsync(invited[2].Token, false)) Assert.Equal(HttpStatusCode.OK, c.StatusCode);

        _app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(Sent(id, OutreachMessageKind.Reminder));
        _app.Clock.Advance(TimeSpan.FromDays(1));
        await Eventually(() => Sent(id, OutreachMessageKind.Reminder).Count == 2, "the two attendees to be reminded");

        var reminders = Sent(id, OutreachMessageKind.Reminder);
        Assert.Equal(new[] { invited[0].Sent.OutreachInvitationId, invited[1].Sent.OutreachInvitationId }.Order(), reminders.Select(r => r.OutreachInvitationId).Order());
        Assert.All(reminders, r => Assert.Null(r.Link));
        Assert.All(reminders, r => Assert.Equal(invited.Single(i => i.Sent.OutreachInvitationId == r.OutreachInvitationId).Sent.Language, r.Language));
        Assert.Equal(["en", "en", "es"], invited.Select(i => i.Sent.Language).Order(StringComparer.Ordinal));
        Assert.Equal(StartsAt, reminders[0].StartsAt);
        Assert.Equal(JsonValueKind.String, (await GetEventAsync(id)).GetProperty("reminderSentAt").ValueKind);

        // Recruiting again reschedules nothing new and the timer does not remind twice.
        using (var again = await PostAsync(id, "recruit")) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await Eventually(() => _app.Harness.Consumed.Select<OutreachRecruitmentRequested>(new CancellationToken(true)).Count(m => m.Context.Message.EventId == id) == 2, "the second recruitment to finish");
        _app.Clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(2, Sent(id, OutreachMessageKind.Reminder).Count);
        Assert.Single(_app.Harness.Consumed.Select<OutreachReminderDue>(new CancellationToken(true)));
    }

    [Fact]
    public async Task Attendance_and_themes_are_recorded_after_the_event_encrypted_read_audited_and_linked_to_improvement_actions()
    {
        await ConsentAsync();
        await ConsentAsync();
        var id = await PlanAsync(EventBody());
        var invited = await RecruitAsync(id, 2);
        using (var yes = await RsvpAsync(invited[0].Token, true)) Assert.Equal(HttpStatusCode.OK, yes.StatusCode);
        using (var no = await RsvpAsync(invited[1].Token, false)) Assert.Equal(HttpStatusCode.OK, no.StatusCode);
        const string themes = "Discharge medicines were explained too fast; night noise on 4 West.";
        var outcome = new { attendedInvitationIds = new[] { invited[0].Sent.OutreachInvitationId }, otherAttendees = 2, themes };

        using (var early = await PostAsync(id, "outcome", outcome)) Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        _app.Clock.Advance(TimeSpan.FromDays(3).Add(TimeSpan.FromHours(2)));
        using (var notAttending = await PostAsync(id, "outcome", outcome with { attendedInvitationIds = new[] { invited[1].Sent.OutreachInvitationId } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notAttending.StatusCode);
            Assert.True((await notAttending.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("attendedInvitationIds", out _));
        }

        using (var recorded = await PostAsync(id, "outcome", outcome)) Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        using (var late = await RsvpAsync(invited[0].Token, true)) Assert.Equal(HttpStatusCode.Conflict, late.StatusCode); // answered already
        var held = await GetEventAsync(id);
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.Equal(themes, held.GetProperty("outcome").GetProperty("themes").GetString());
        Assert.Equal(2, held.GetProperty("outcome").GetProperty("otherAttendees").GetInt32());

        var stored = (await _app.Services.GetRequiredService<OutreachEventStore>().GetAsync(id, Ct))!.Document;
        Assert.DoesNotContain("night noise", JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        var audit = await _app.Services.GetRequiredService<SurveyAuditLog>().ForSubjectAsync(id, Ct);
        Assert.Contains(audit, a => a.Action == OutreachEventsApi.ReadThemesAction && a.Actor == "test-patient-relations" && a.FacilityId == SurveyApp.FacilityA);
        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        var list = await staff.GetFromJsonAsync<JsonElement>("/api/v1/outreach/events", Ct);
        Assert.Equal(JsonValueKind.Null, list.GetProperty("items")[0].GetProperty("outcome").GetProperty("themes").ValueKind);

        var action = Guid.NewGuid();
        using (var badIds = await staff.PutAsJsonAsync($"/api/v1/outreach/events/{id}/improvement-actions", new { improvementActionIds = new[] { action.ToString(), "IA-12" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badIds.StatusCode);
            Assert.Equal(["improvementActionIds[1]"], (await badIds.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }

        Assert.Empty((await GetEventAsync(id)).GetProperty("improvementActionIds").EnumerateArray());
        using (var linked = await staff.PutAsJsonAsync($"/api/v1/outreach/events/{id}/improvement-actions", new { improvementActionIds = new[] { action.ToString() } }, Ct))
            Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal([action], (await GetEventAsync(id)).GetProperty("improvementActionIds").EnumerateArray().Select(a => a.GetGuid()));
    }

    private static Task Eventually(Func<bool> condition, string because) =>
        PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(15), because, Ct);
}
