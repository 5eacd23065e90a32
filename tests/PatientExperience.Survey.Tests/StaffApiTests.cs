using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Survey.V1;
using PatientExperience.Survey.Invitations;
using PatientExperience.Survey.Policy;

namespace PatientExperience.Survey.Tests;

/// <summary>The staff side: ineligible discharges with their reasons, policies, definitions and results, each scoped to the caller's facilities.</summary>
public sealed class StaffApiTests : IAsyncLifetime
{
    private readonly SurveyApp _app = SurveyApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Ineligible_discharges_get_no_invitation_and_each_is_recorded_with_its_reason()
    {
        var now = _app.Clock.GetUtcNow();
        var patient = "pr-repeat";
        var cases = new (Contracts.Intake.PatientDischarged Discharge, string? Reason)[]
        {
            (Samples.Discharge(now, patientReference: patient), null),
            (Samples.Discharge(now) with { AgeBand = "under-18" }, IneligibleReasons.UnderAge),
            (Samples.Discharge(now) with { Deceased = true, Disposition = "exp" }, IneligibleReasons.Deceased),
            (Samples.Discharge(now) with { Disposition = "hosp" }, IneligibleReasons.Hospice),
            (Samples.Discharge(now) with { Disposition = "prison" }, IneligibleReasons.Custody),
            (Samples.Discharge(now) with { NoPublicity = true }, IneligibleReasons.NoPublicity),
            (Samples.Discharge(now) with { ContactChannels = ["letter"] }, IneligibleReasons.NoContactChannel),
            (Samples.Discharge(now, patientReference: patient) with { DischargedAt = now.AddDays(-30) }, IneligibleReasons.RecentlySurveyed),
        };
        foreach (var (discharge, reason) in cases)
        {
            var recorded = await _app.DischargeAsync(discharge);
            Assert.Equal(reason, recorded.IneligibleReason);
            Assert.Equal(reason is null ? InvitationStatus.Scheduled : InvitationStatus.Ineligible, recorded.Status);
            Assert.Null(reason is null ? null : recorded.TokenHash);
        }

        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        var page = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/invitations?facilityId={SurveyApp.FacilityA}&status=ineligible", Ct);
        Assert.Equal(cases.Length - 1, page.GetProperty("total").GetInt32());
        Assert.Equal(cases.Where(c => c.Reason is not null).Select(c => c.Reason).Order(StringComparer.Ordinal),
            page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ineligibleReason").GetString()).Order(StringComparer.Ordinal));

        await _app.AdvanceUntilSentAsync(cases[0].Discharge.DischargeId, 0, TimeSpan.FromHours(47));
        await _app.AdvanceUntilSentAsync(cases[0].Discharge.DischargeId, 1, TimeSpan.FromDays(7));
        Assert.All(_app.Published<SendSurveyInvitation>(), s => Assert.Equal(cases[0].Discharge.DischargeId, s.DischargeId));

        using var elsewhere = _app.ClientFor("patient-relations", SurveyApp.FacilityB);
        using var refused = await elsewhere.GetAsync($"/api/v1/surveys/invitations?facilityId={SurveyApp.FacilityA}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var hidden = await elsewhere.GetAsync($"/api/v1/surveys/invitations/{cases[0].Discharge.DischargeId}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task A_policy_is_versioned_and_the_same_policy_again_adds_no_version()
    {
        using var admin = _app.ClientFor("admin", SurveyApp.FacilityA);
        var path = $"/api/v1/facilities/{SurveyApp.FacilityA}/survey-policy";

        var defaults = await admin.GetFromJsonAsync<JsonElement>(path, Ct);
        Assert.Equal(0, defaults.GetProperty("version").GetInt32());
        Assert.Equal("P2D", defaults.GetProperty("invitationDelay").GetString());
        Assert.Equal("P42D", defaults.GetProperty("responseWindow").GetString());

        var body = new { invitationDelay = "PT48H", responseWindow = "P42D", reminders = new[] { "P7D", "P14D" }, samplingRate = 0.5, minimumInterval = "P90D", criticalItems = new[] { "help-when-asked" } };
        using var first = await admin.PutAsJsonAsync(path, body, Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"1\"", first.Headers.ETag?.Tag);
        using var same = await admin.PutAsJsonAsync(path, body, Ct);
        Assert.Equal(1, (await same.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("version").GetInt32());

        using var stale = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body with { samplingRate = 0.25 }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        using (var refused = await admin.SendAsync(stale, Ct)) Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);

        using var invalid = await admin.PutAsJsonAsync(path, new { invitationDelay = "two days", responseWindow = "P42D", reminders = new[] { "P50D" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("invitationDelay", out _));
        Assert.True(errors.TryGetProperty("reminders[0]", out _));

        using var unknownSurvey = await admin.PutAsJsonAsync(path, body with { samplingRate = 1.0 } is var b ? new { b.invitationDelay, b.responseWindow, b.reminders, b.samplingRate, b.minimumInterval, b.criticalItems, surveyId = "no-such-survey" } : null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknownSurvey.StatusCode);

        var current = await admin.GetFromJsonAsync<JsonElement>(path, Ct);
        Assert.Equal(1, current.GetProperty("version").GetInt32());
        Assert.Equal(0.5, current.GetProperty("samplingRate").GetDouble());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>(path + "?version=0", Ct)).GetProperty("version").GetInt32());

        using var unitManager = _app.ClientFor("unit-manager", SurveyApp.FacilityA);
        using (var notEditor = await unitManager.PutAsJsonAsync(path, body, Ct)) Assert.Equal(HttpStatusCode.Forbidden, notEditor.StatusCode);
        using var otherAdmin = _app.ClientFor("admin", SurveyApp.FacilityB);
        using (var otherFacility = await otherAdmin.PutAsJsonAsync(path, body, Ct)) Assert.Equal(HttpStatusCode.Forbidden, otherFacility.StatusCode);
        using (var otherRead = await otherAdmin.GetAsync(path, Ct)) Assert.Equal(HttpStatusCode.Forbidden, otherRead.StatusCode);
    }

    [Fact]
    public async Task Definitions_are_drafted_published_and_retired_and_never_change_once_published()
    {
        using var editor = _app.ClientFor("patient-relations", "*");
        var templates = await Eventually(async () =>
        {
            var list = await editor.GetFromJsonAsync<JsonElement>("/api/v1/survey-definitions", Ct);
            return list.GetArrayLength() >= 2 ? list : (JsonElement?)null;
        }, "the templates to be installed");
        Assert.Contains(templates.EnumerateArray(), d => d.GetProperty("id").GetString() == "inpatient-experience" && d.GetProperty("status").GetString() == "published");

        var draft = new
        {
            id = "nps",
            title = new { en = "Recommend us?", es = "¿Nos recomendaría?" },
            questions = new object[]
            {
                new { id = "nps", type = "nps", text = new { en = "How likely are you to recommend us?", es = "¿Qué probabilidad hay de que nos recomiende?" } },
                new { id = "staff", type = "yes-no", text = new { en = "Did staff introduce themselves?", es = "¿Se presentó el personal?" } },
            },
        };
        using var created = await editor.PostAsJsonAsync("/api/v1/survey-definitions", draft, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var v2 = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, v2.GetProperty("version").GetInt32());
        Assert.Equal("draft", v2.GetProperty("status").GetString());
        using (var secondDraft = await editor.PostAsJsonAsync("/api/v1/survey-definitions", draft, Ct)) Assert.Equal(HttpStatusCode.Conflict, secondDraft.StatusCode);

        using (var edited = await editor.PutAsJsonAsync("/api/v1/survey-definitions/nps/versions/2", draft with { title = new { en = "Would you recommend us?", es = "¿Nos recomendaría?" } }, Ct))
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        using (var published = await editor.PostAsync("/api/v1/survey-definitions/nps/versions/2/publish", null, Ct))
            Assert.Equal("published", (await published.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        using (var immutable = await editor.PutAsJsonAsync("/api/v1/survey-definitions/nps/versions/2", draft, Ct))
            Assert.Equal(HttpStatusCode.Conflict, immutable.StatusCode);
        using (var retired = await editor.PostAsync("/api/v1/survey-definitions/nps/versions/1/retire", null, Ct))
            Assert.Equal("retired", (await retired.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());

        var latest = await editor.GetFromJsonAsync<JsonElement>("/api/v1/survey-definitions/nps", Ct);
        Assert.Equal("Would you recommend us?", latest.GetProperty("content").GetProperty("title").GetProperty("en").GetString());
        Assert.Equal(2, latest.GetProperty("content").GetProperty("questions").GetArrayLength());

        using var bad = await editor.PostAsJsonAsync("/api/v1/survey-definitions", new { id = "bad", title = new { en = "T", es = "T" }, questions = new object[] { new { id = "q", type = "yes-no", text = new { en = "English only" } } } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var unknownType = await editor.PostAsJsonAsync("/api/v1/survey-definitions", new { id = "bad", title = new { en = "T", es = "T" }, questions = new object[] { new { id = "q", type = "likert-7", text = new { en = "E", es = "S" } } } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        using var reader = _app.ClientFor("analyst", SurveyApp.FacilityA);
        using (var notEditor = await reader.PostAsJsonAsync("/api/v1/survey-definitions", draft, Ct)) Assert.Equal(HttpStatusCode.Forbidden, notEditor.StatusCode);

        // A facility assigned the new NPS survey sends it.
        await _app.PutPolicyAsync(SurveyApp.FacilityB, new SurveyPolicyRequest { InvitationDelay = "PT0S", ResponseWindow = "P1D", MinimumInterval = "PT0S", SurveyId = "nps" });
        var discharge = Samples.Discharge(_app.Clock.GetUtcNow(), SurveyApp.FacilityB);
        var invitation = await _app.DischargeAsync(discharge);
        Assert.Equal(("nps", 2), (invitation.SurveyId, invitation.SurveyVersion));
    }

    [Fact]
    public async Task Results_count_invitations_and_responses_and_score_nps_and_composites_for_the_callers_facilities_only()
    {
        await _app.PutPolicyAsync(SurveyApp.FacilityA, new SurveyPolicyRequest { InvitationDelay = "PT0S", ResponseWindow = "P1D", MinimumInterval = "PT0S", SurveyId = "nps" });
        await Eventually(async () => await _app.Services.GetRequiredService<PatientExperience.Survey.Definitions.DefinitionStore>().CurrentPublishedAsync("nps", Ct), "the templates to be installed");
        using var patient = _app.CreateClient();
        var scores = new int?[] { 10, 9, 7, 3, null };
        foreach (var score in scores)
        {
            var discharge = Samples.Discharge(_app.Clock.GetUtcNow());
            await _app.DischargeAsync(discharge);
            var token = SurveyApp.TokenOf(await _app.PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == discharge.DischargeId, "the invitation"));
            await _app.InvitationWhenAsync(discharge.DischargeId, i => i.IssuedAt is not null, "the invitation to be issued");
            if (score is null) continue;
            using var answered = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", new { answers = new { nps = score } }, Ct);
            Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        }

        using var analyst = _app.ClientFor("analyst", SurveyApp.FacilityA);
        var results = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/results?facilityId={SurveyApp.FacilityA}", Ct);
        Assert.Equal(5, results.GetProperty("invited").GetInt32());
        Assert.Equal(4, results.GetProperty("responded").GetInt32());
        Assert.Equal(0.8, results.GetProperty("responseRate").GetDouble());
        var nps = results.GetProperty("nps");
        Assert.Equal(25, nps.GetProperty("score").GetDouble());
        Assert.Equal((2, 1, 1, 4), (nps.GetProperty("promoters").GetInt32(), nps.GetProperty("passives").GetInt32(), nps.GetProperty("detractors").GetInt32(), nps.GetProperty("n").GetInt32()));
        Assert.Equal(JsonValueKind.Array, results.GetProperty("composites").ValueKind);

        var before = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/results?facilityId={SurveyApp.FacilityA}&to={Uri.EscapeDataString(SurveyApp.Start.AddTicks(-1).ToString("o"))}", Ct);
        Assert.Equal(0, before.GetProperty("invited").GetInt32());

        using var elsewhere = _app.ClientFor("analyst", SurveyApp.FacilityB);
        using (var refused = await elsewhere.GetAsync($"/api/v1/surveys/results?facilityId={SurveyApp.FacilityA}", Ct)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var client = new SurveyService.SurveyServiceClient(GrpcChannel.ForAddress(_app.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _app.Server.CreateHandler() }));
        var reply = await client.GetSurveyResultsAsync(new GetSurveyResultsRequest { FacilityId = SurveyApp.FacilityA },
            new Metadata { { "Authorization", "Bearer " + SurveyApp.TokenFor("analyst", SurveyApp.FacilityA) } }, cancellationToken: Ct);
        Assert.Equal((5, 4, 25.0, 4L), (reply.Invited, reply.Responded, reply.Nps.Score, reply.Nps.N));
        var denied = await Assert.ThrowsAsync<RpcException>(() => client.GetSurveyResultsAsync(new GetSurveyResultsRequest { FacilityId = SurveyApp.FacilityA },
            new Metadata { { "Authorization", "Bearer " + SurveyApp.TokenFor("analyst", SurveyApp.FacilityB) } }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string because) where T : struct =>
        (await PatientExperience.Testing.Eventually.UntilAsync(probe, TimeSpan.FromSeconds(15), because, Ct))!.Value;

    private static Task<T> Eventually<T>(Func<Task<T?>> probe, string because) where T : class =>
        PatientExperience.Testing.Eventually.UntilAsync(probe, TimeSpan.FromSeconds(15), because, Ct);
}

/// <summary>The committed API description (docs/openapi/survey.v1.json) is what the service serves.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly SurveyApp _app = SurveyApp.Create();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task The_committed_openapi_document_matches_the_service() =>
        Assert.Null(await PatientExperience.Testing.OpenApiSnapshot.CompareAsync(_app.CreateClient(), "survey", TestContext.Current.CancellationToken));
}
