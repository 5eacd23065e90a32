using System.Text.Json;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>A case as the store writes and reads it: JSON through the private [JsonConstructor] constructor and required members.</summary>
public sealed class CaseStorageTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An evening in New York that is already the next day in UTC, with sub-millisecond precision.</summary>
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateTimeOffset EveningInNewYork = new DateTimeOffset(2025, 3, 9, 23, 30, 15, TimeSpan.FromHours(-4)).AddTicks(1_234_567);

    private static void AssertSameCase(CaseFile expected, CaseFile actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.CaseNumber, actual.CaseNumber);
        Assert.Equal(expected.SubmissionId, actual.SubmissionId);
        Assert.Equal(expected.FacilityId, actual.FacilityId);
        Assert.Equal(expected.DepartmentId, actual.DepartmentId);
        Assert.Equal(expected.UnitId, actual.UnitId);
        Assert.Equal(expected.Channel, actual.Channel);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.OpenedAt, actual.OpenedAt);
        Assert.Equal(expected.SubmittedAt, actual.SubmittedAt);
        Assert.Equal(expected.History, actual.History);
    }

    [Fact]
    public async Task A_stored_case_reads_back_with_every_field()
    {
        var opened = CaseFile.Open(Samples.Feedback(Samples.Riverside, "medicine", "5-east", "email", "grievance") with { SubmittedAt = EveningInNewYork.AddHours(-2) }, EveningInNewYork, NewYork);

        Assert.NotNull(await app.Cases.TryOpenAsync(opened.SubmissionId, () => opened, Ct));
        var stored = await app.Cases.GetAsync(opened.Id, Ct);

        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        AssertSameCase(opened, stored.Document);
        Assert.Equal(TimeSpan.Zero, stored.Document.OpenedAt.Offset);
        Assert.Equal(EveningInNewYork.UtcTicks, stored.Document.OpenedAt.UtcTicks);
        Assert.Equivalent(opened, stored.Document, strict: true);
        AssertSameCase(opened, (await app.Cases.FindBySubmissionAsync(opened.SubmissionId, Ct))!.Document);
    }

    [Fact]
    public async Task Absent_department_unit_and_kind_read_back_as_null()
    {
        var opened = CaseFile.Open(Samples.At(Samples.StBrendans), EveningInNewYork, NewYork);

        Assert.NotNull(await app.Cases.TryOpenAsync(opened.SubmissionId, () => opened, Ct));
        var stored = await app.Cases.GetAsync(opened.Id, Ct);

        AssertSameCase(opened, stored!.Document);
        Assert.Null(stored.Document.DepartmentId);
        Assert.Null(stored.Document.UnitId);
        Assert.Null(stored.Document.Kind);
    }

    [Fact]
    public void The_case_round_trips_through_the_store_json_with_camelCase_names()
    {
        var opened = CaseFile.Open(Samples.Feedback(), EveningInNewYork, NewYork);

        var json = JsonSerializer.Serialize(opened, StoreJson.Options);
        var back = JsonSerializer.Deserialize<CaseFile>(json, StoreJson.Options);

        Assert.NotNull(back);
        AssertSameCase(opened, back);
        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.All(names, n => Assert.True(char.IsLower(n[0]), n));
        Assert.Superset(new HashSet<string> { "caseNumber", "channel", "departmentId", "facilityId", "history", "id", "kind", "openedAt", "status", "submissionId", "submittedAt", "unitId",
            "classification", "severity", "category", "escalationLevel", "slaState", "regulatoryProfile" }, names);
        Assert.Equal("2025-03-10T03:30:15.1234567Z", doc.RootElement.GetProperty("openedAt").GetString());
    }

    [Fact]
    public void Json_without_a_required_field_is_rejected_rather_than_read_as_a_half_empty_case()
    {
        var json = JsonSerializer.Serialize(CaseFile.Open(Samples.Feedback(), EveningInNewYork, NewYork), StoreJson.Options);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("facilityId");

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CaseFile>(node.ToJsonString(), StoreJson.Options));
    }

    [Fact]
    public void The_case_number_is_the_facilitys_local_date_opened_and_the_ids_tail()
    {
        var opened = CaseFile.Open(Samples.Feedback(), EveningInNewYork, NewYork);

        Assert.StartsWith("PX-250309-", opened.CaseNumber); // 23:30 in New York is already the 10th in UTC
        Assert.EndsWith(opened.Id.ToString("N")[^8..].ToUpperInvariant(), opened.CaseNumber);
        Assert.Equal(7, opened.Id.Version);
    }

    [Fact]
    public async Task A_case_number_collision_opens_the_case_again_under_a_new_number()
    {
        var existing = CaseFile.Open(Samples.Feedback(), EveningInNewYork, NewYork);
        Assert.NotNull(await app.Cases.TryOpenAsync(existing.SubmissionId, () => existing, Ct));

        var submitted = Samples.Feedback();
        var attempts = 0;
        var opened = await app.Cases.TryOpenAsync(submitted.SubmissionId, () =>
        {
            var fresh = CaseFile.Open(submitted, EveningInNewYork, NewYork);
            if (attempts++ > 0) return fresh;
            // The first attempt draws the number another case already has.
            var node = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(fresh, StoreJson.Options))!.AsObject();
            node["caseNumber"] = existing.CaseNumber;
            return JsonSerializer.Deserialize<CaseFile>(node.ToJsonString(), StoreJson.Options)!;
        }, Ct);

        Assert.NotNull(opened);
        Assert.Equal(2, attempts);
        Assert.NotEqual(existing.CaseNumber, opened.CaseNumber);
        Assert.Equal(1, await app.CaseCountForAsync(submitted.SubmissionId));
    }

    [Fact]
    public async Task A_second_case_for_the_same_submission_is_refused_by_the_store()
    {
        var submitted = Samples.Feedback();
        var first = CaseFile.Open(submitted, EveningInNewYork, NewYork);
        var second = CaseFile.Open(submitted, EveningInNewYork.AddSeconds(1), NewYork);

        Assert.NotNull(await app.Cases.TryOpenAsync(first.SubmissionId, () => first, Ct));
        Assert.Null(await app.Cases.TryOpenAsync(second.SubmissionId, () => second, Ct));

        Assert.Equal(1, await app.CaseCountForAsync(submitted.SubmissionId));
        Assert.Null(await app.Cases.GetAsync(second.Id, Ct));
        Assert.Equal(first.Id, (await app.Cases.FindBySubmissionAsync(submitted.SubmissionId, Ct))!.Document.Id);
        // Only the stored case's CaseOpened leaves through the outbox.
        await app.PublishedAsync<CaseOpened>(m => m.CaseId == first.Id);
        Assert.DoesNotContain(app.PublishedSoFar<CaseOpened>(), m => m.CaseId == second.Id);
    }
}
