using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Escalation;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The typed vocabulary at the service's edges: a value it does not know (another spelling, another case) is a 400 naming the
/// field, never a 500; stored case and saga documents keep today's strings, and documents written before the types read back.
/// </summary>
public sealed class VocabularyOnTheWireTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> UnknownQueryValues => new()
    {
        { "status=archived", "status" },
        { "status=New", "status" },
        { "severity=severe", "severity" },
        { "severity=CRITICAL", "severity" },
        { "severity=3", "severity" },
        { "level=board", "level" },
        { "level=Unit", "level" },
    };

    [Theory, MemberData(nameof(UnknownQueryValues))]
    public async Task An_unknown_value_in_a_worklist_filter_is_a_400_naming_the_filter(string query, string field)
    {
        var response = await app.ClientFor("admin", "*").GetAsync($"/api/v1/cases?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
    }

    public static TheoryData<string, string> UnknownActionValues => new()
    {
        { """{"type": "Grievance", "reason": "x"}""", "type" },
        { """{"type": "compliment", "reason": "x"}""", "type" },
        { """{"severity": "urgent", "reason": "x"}""", "severity" },
        { """{"severity": "High", "reason": "x"}""", "severity" },
    };

    [Theory, MemberData(nameof(UnknownActionValues))]
    public async Task An_unknown_value_in_a_reclassification_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{stored.Document.Id}/classification")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{stored.Version}\"");

        var response = await app.ClientFor("patient-relations", Samples.Riverside).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
        Assert.Equal(stored.Version, (await app.Cases.GetAsync(stored.Document.Id, Ct))!.Version);
    }

    [Theory]
    [InlineData("Final")]
    [InlineData("1")]
    [InlineData("")]
    public async Task An_unknown_letter_kind_is_a_400(string kind)
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{stored.Document.Id}/letters") { Content = JsonContent.Create(new { kind }) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{stored.Version}\"");

        var response = await app.ClientFor("patient-relations", Samples.Riverside).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("kind", (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
    }

    [Fact]
    public void A_case_document_stores_each_vocabulary_value_as_todays_string()
    {
        var opened = CaseFile.Open(Samples.Feedback(Samples.Riverside, "medicine", "5-east", "email", "grievance"), DateTimeOffset.UtcNow, TimeZoneInfo.Utc);

        var json = JsonSerializer.SerializeToNode(opened, StoreJson.Options)!.AsObject();

        Assert.Equal(
            ("email", "grievance", "grievance", "high", "new", "unit", "on-track"),
            (Str(json, "channel"), Str(json, "kind"), Str(json, "classification"), Str(json, "severity"), Str(json, "status"), Str(json, "escalationLevel"), Str(json, "slaState")));
    }

    [Fact]
    public void A_case_document_written_before_the_types_reads_back_typed_and_writes_the_same_strings()
    {
        const string stored = """
            {"id":"0199a0c4-5c1e-7a3b-9b7e-2f6a1c3d4e5f","caseNumber":"PX-251001-1C3D4E5F","submissionId":"7d0c3a8e-1f2b-4c5d-8e9f-0a1b2c3d4e5f",
             "facilityId":"riverside-general","departmentId":"medicine","channel":"letter","kind":"question",
             "openedAt":"2025-10-01T12:00:00.0000000Z","submittedAt":"2025-10-01T11:00:00.0000000Z","responseRequested":true,
             "regulatoryProfile":"cms-hospital","classification":"grievance","severity":"critical","category":"care-quality",
             "slaPolicyVersion":0,"status":"response-sent","escalationLevel":"executive","nextDeadline":"2025-10-08T12:00:00.0000000Z",
             "nextDeadlineKind":"interim-notice","slaState":"breached","escalationSequence":4,"notes":[],"tasks":[],
             "letters":[{"id":"0199a0c4-5c1e-7a3b-9b7e-2f6a1c3d4e60","kind":"final","issuedAt":"2025-10-02T12:00:00.0000000Z","issuedBy":"pr-1","protectedBody":"x"}],
             "history":[]}
            """;

        var c = JsonSerializer.Deserialize<CaseFile>(stored, StoreJson.Options)!;

        Assert.Equal(
            (FeedbackChannel.Letter, (FeedbackKind?)FeedbackKind.Question, CaseType.Grievance, Severity.Critical, CaseStatus.ResponseSent, EscalationLevel.Executive,
                (DeadlineKind?)DeadlineKind.InterimNotice, SlaState.Breached, LetterKind.Final),
            (c.Channel, c.Kind, c.Classification, c.Severity, c.Status, c.EscalationLevel, c.NextDeadlineKind, c.SlaState, c.Letters[0].Kind));
        var again = JsonSerializer.SerializeToNode(c, StoreJson.Options)!.AsObject();
        foreach (var (field, value) in new[]
                 {
                     ("channel", "letter"), ("kind", "question"), ("classification", "grievance"), ("severity", "critical"), ("status", "response-sent"),
                     ("escalationLevel", "executive"), ("nextDeadlineKind", "interim-notice"), ("slaState", "breached"),
                 })
            Assert.Equal(value, Str(again, field));
        Assert.Equal("final", again["letters"]![0]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void A_stored_case_with_a_value_outside_the_vocabulary_is_refused_rather_than_guessed()
    {
        const string stored = """{"id":"0199a0c4-5c1e-7a3b-9b7e-2f6a1c3d4e5f","caseNumber":"PX","submissionId":"7d0c3a8e-1f2b-4c5d-8e9f-0a1b2c3d4e5f","facilityId":"f","channel":"carrier-pigeon","openedAt":"2025-10-01T12:00:00.0000000Z","submittedAt":"2025-10-01T12:00:00.0000000Z","status":"new"}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CaseFile>(stored, StoreJson.Options));
    }

    [Fact]
    public void An_escalation_saga_document_keeps_its_level_and_severity_strings()
    {
        const string stored = """{"correlationId":"0199a0c4-5c1e-7a3b-9b7e-2f6a1c3d4e5f","version":3,"currentState":"Active","facilityId":"riverside-general","severity":"high","level":"department","acknowledgedAtLevel":false,"breaches":1}""";

        var state = JsonSerializer.Deserialize<EscalationState>(stored, StoreJson.Options)!;

        Assert.Equal((Severity.High, EscalationLevel.Department), (state.Severity, state.Level));
        var again = JsonSerializer.SerializeToNode(state, StoreJson.Options)!.AsObject();
        Assert.Equal(("high", "department"), (Str(again, "severity"), Str(again, "level")));
    }

    private static string? Str(JsonObject json, string field) => json[field]?.GetValue<string>();
}
