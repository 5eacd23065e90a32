using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;
using MassTransit.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Intake.Facilities;
using PatientExperience.Contracts.Intake;
using PatientExperience.Intake.Discharges;
using PatientExperience.Intake.Feedback;

namespace PatientExperience.Intake.Tests.Discharges;

/// <summary>The EHR's discharge feed over HTTP: what is accepted, ignored and refused, always answered with an OperationOutcome.</summary>
public sealed class DischargeFeedTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly FhirJsonDeserializer Fhir = new(new DeserializerSettings());

    private HttpClient Ehr(params string[] facilities) => app.ClientFor("integration", facilities.Length == 0 ? ["riverside-general"] : facilities);

    private static async Task<OperationOutcome> OutcomeOf(HttpResponseMessage response)
    {
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return Assert.IsType<OperationOutcome>(Fhir.DeserializeResource(await response.Content.ReadAsStringAsync(Ct)));
    }

    private static string Reason(OperationOutcome.IssueComponent issue) => Assert.Single(issue.Details!.Coding, c => c.System == FeedReasons.System).Code!;

    private static Guid DischargeId(OperationOutcome.IssueComponent issue) => Guid.Parse(issue.Diagnostics!["dischargeId=".Length..]);

    private Task<Storage.Stored<Discharge>?> StoredAsync(string? encounterId, string facility = "riverside-general") =>
        app.Services.GetRequiredService<DischargeStore>().FindByEncounterAsync(facility, encounterId!, Ct);

    [Fact]
    public async Task A_finished_inpatient_encounter_is_accepted_recorded_and_published_once_without_patient_identity()
    {
        var encounter = FhirSamples.EncounterWithPatient();

        var response = await Ehr().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = Assert.Single((await OutcomeOf(response)).Issue);
        Assert.Equal(OperationOutcome.IssueSeverity.Information, issue.Severity);
        Assert.Equal(FeedReasons.Accepted, Reason(issue));
        var id = DischargeId(issue);

        var published = await app.PublishedAsync<PatientDischarged>(m => m.DischargeId == id);
        Assert.Equal(encounter.Id, published.EncounterId);
        Assert.Equal("riverside-general", published.FacilityId);
        Assert.Equal("4-west", published.UnitId);
        Assert.Equal("medicine", published.DepartmentId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), published.DischargedAt);
        Assert.Equal("home", published.Disposition);
        Assert.Equal("65-79", published.AgeBand);
        Assert.Equal("es", published.Language);
        Assert.Equal(["email", "sms", "letter"], published.ContactChannels);
        Assert.False(published.Deceased);
        Assert.False(published.NoPublicity);
        var json = JsonSerializer.Serialize(published);
        foreach (var phi in FhirSamples.Phi) Assert.DoesNotContain(phi, json, StringComparison.OrdinalIgnoreCase);

        var stored = await StoredAsync(encounter.Id);
        Assert.NotNull(stored);
        Assert.Equal(id, stored.Document.Id);
        foreach (var phi in FhirSamples.Phi) Assert.DoesNotContain(phi, stored.Document.ProtectedContact, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Redelivering_the_same_encounter_gets_the_same_answer_and_no_second_event()
    {
        var encounter = FhirSamples.EncounterWithPatient();
        var first = await Ehr().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);
        var id = DischargeId(Assert.Single((await OutcomeOf(first)).Issue));
        await app.PublishedAsync<PatientDischarged>(m => m.DischargeId == id);

        var again = await Ehr().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);
        var inBundle = await Ehr().PostAsync("/api/v1/fhir", FhirSamples.Content(FhirSamples.Bundle(Bundle.BundleType.Batch, FhirSamples.Encounter(encounter.Id))), Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var issue = Assert.Single((await OutcomeOf(again)).Issue);
        Assert.Equal(FeedReasons.Accepted, Reason(issue));
        Assert.Equal(id, DischargeId(issue));
        Assert.Equal(id, DischargeId((await OutcomeOf(inBundle)).Issue[0]));
        var discharges = await app.Services.GetRequiredKeyedService<Storage.IDocumentStore>(IntakeModule.ServiceName).Collection<Discharge>(DischargeStore.Definition)
            .QueryAsync(new Storage.DocumentQuery { Filters = [Storage.FieldFilter.Eq("facilityId", "riverside-general")], PageSize = 1000 }, Ct);
        Assert.Single(discharges.Items, d => d.Document.EncounterId == encounter.Id);
        Assert.Single(app.Harness.Published.Select<PatientDischarged>(Ct), m => m.Context.Message.EncounterId == encounter.Id);
    }

    public static TheoryData<string, string> IgnoredEncounters => new()
    {
        { "not-finished", FeedReasons.NotFinished },
        { "not-inpatient", FeedReasons.NotInpatient },
        { "unknown-facility", FeedReasons.UnknownFacility },
    };

    [Theory]
    [MemberData(nameof(IgnoredEncounters))]
    public async Task An_encounter_that_is_not_a_discharge_is_answered_and_ignored_with_its_reason(string change, string reason)
    {
        var encounter = FhirSamples.EncounterWithPatient(facility: change == "unknown-facility" ? "atlantis-general" : "riverside-general");
        if (change == "not-finished") encounter.Status = Encounter.EncounterStatus.InProgress;
        if (change == "not-inpatient") encounter.Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB");

        var response = await Ehr("*").PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = Assert.Single((await OutcomeOf(response)).Issue);
        Assert.Equal(reason, Reason(issue));
        Assert.Equal(OperationOutcome.IssueSeverity.Information, issue.Severity);
        Assert.Null(await StoredAsync(encounter.Id, change == "unknown-facility" ? "atlantis-general" : "riverside-general"));
    }

    [Fact]
    public async Task A_batch_is_answered_with_one_issue_per_entry()
    {
        var discharged = FhirSamples.Encounter();
        var stillIn = FhirSamples.Encounter();
        stillIn.Status = Encounter.EncounterStatus.InProgress;
        var bundle = FhirSamples.Bundle(Bundle.BundleType.Batch, discharged, stillIn);
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4") } });

        var response = await Ehr().PostAsync("/api/v1/fhir", FhirSamples.Content(bundle), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await OutcomeOf(response);
        Assert.Equal(
            [FeedReasons.Accepted, FeedReasons.PatientOfEncounter, FeedReasons.NotFinished, FeedReasons.PatientOfEncounter, FeedReasons.NotAnEncounter],
            outcome.Issue.Select(Reason));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Bundle.entry[{i}]"), outcome.Issue.Select(i => Assert.Single(i.Expression)));
        await app.PublishedAsync<PatientDischarged>(m => m.EncounterId == discharged.Id);
        Assert.Null(await StoredAsync(stillIn.Id));
    }

    [Fact]
    public async Task A_collection_bundle_is_read_like_a_batch()
    {
        var encounter = FhirSamples.Encounter();

        var response = await Ehr().PostAsync("/api/v1/fhir", FhirSamples.Content(FhirSamples.Bundle(Bundle.BundleType.Collection, encounter)), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FeedReasons.Accepted, Reason((await OutcomeOf(response)).Issue[0]));
        Assert.NotNull(await StoredAsync(encounter.Id));
    }

    [Fact]
    public async Task A_transaction_with_a_refused_encounter_records_none_of_it()
    {
        var good = FhirSamples.Encounter();
        var noFacility = FhirSamples.Encounter();
        noFacility.ServiceProvider = null;
        var bundle = FhirSamples.Bundle(Bundle.BundleType.Transaction, good, noFacility);

        var response = await Ehr().PostAsync("/api/v1/fhir", FhirSamples.Content(bundle), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = await OutcomeOf(response);
        Assert.Equal(FeedReasons.TransactionRefused, Reason(outcome.Issue[0]));
        Assert.Equal(FeedReasons.NoFacility, Reason(outcome.Issue[2]));
        Assert.Equal(OperationOutcome.IssueSeverity.Error, outcome.Issue[2].Severity);
        Assert.Null(await StoredAsync(good.Id));
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "malformed JSON", "/api/v1/fhir/Encounter", """{"resourceType":"Encounter","id":"x", """ },
        { "a JSON array", "/api/v1/fhir", "[1,2,3]" },
        { "an empty body", "/api/v1/fhir", "" },
        { "not a FHIR resource type", "/api/v1/fhir", """{"resourceType":"Spaceship","id":"x"}""" },
        { "a Patient where an Encounter belongs", "/api/v1/fhir/Encounter", FhirSamples.Patient().ToJson() },
        { "an Encounter where a Bundle belongs", "/api/v1/fhir", FhirSamples.EncounterWithPatient().ToJson() },
        { "a search-set Bundle", "/api/v1/fhir", new Bundle { Type = Bundle.BundleType.Searchset }.ToJson() },
        { "an Encounter without its required status", "/api/v1/fhir/Encounter", """{"resourceType":"Encounter","id":"e1","class":{"code":"IMP"}}""" },
        { "an unknown element", "/api/v1/fhir/Encounter", """{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"IMP"},"dischargedBy":"me"}""" },
        { "a code outside its value set", "/api/v1/fhir/Encounter", """{"resourceType":"Encounter","id":"e1","status":"gone-home","class":{"code":"IMP"}}""" },
        { "an invalid entry in a Bundle", "/api/v1/fhir", """{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Encounter","id":"e1","class":{"code":"IMP"}}}]}""" },
        { "an Encounter without a Patient", "/api/v1/fhir/Encounter", FhirSamples.Encounter().ToJson() },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_FHIR_is_refused_with_a_400_OperationOutcome(string what, string path, string body)
    {
        var response = await Ehr().PostAsync(path, FhirSamples.Content(body), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        var outcome = await OutcomeOf(response);
        Assert.NotEmpty(outcome.Issue);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error);
    }

    [Fact]
    public async Task An_oversized_body_or_another_media_type_is_refused_with_an_OperationOutcome()
    {
        var huge = FhirSamples.EncounterWithPatient();
        huge.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + new string('x', 1_100_000) + "</div>" };

        var tooLarge = await Ehr().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(huge), Ct);
        var xml = await Ehr().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content("<Encounter xmlns=\"http://hl7.org/fhir\"/>", "application/fhir+xml"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.TooLong, Assert.Single((await OutcomeOf(tooLarge)).Issue).Code);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        Assert.NotEmpty((await OutcomeOf(xml)).Issue);
    }

    [Fact]
    public async Task Plain_application_json_is_accepted_too()
    {
        var encounter = FhirSamples.EncounterWithPatient();

        var response = await Ehr().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter.ToJson(), "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FeedReasons.Accepted, Reason(Assert.Single((await OutcomeOf(response)).Issue)));
    }

    [Fact]
    public async Task Only_an_integration_client_may_post_FHIR()
    {
        var encounter = FhirSamples.EncounterWithPatient();

        var anonymous = await app.CreateClient().PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);
        var staff = await app.ClientFor("patient-relations", "*").PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);
        var admin = await app.ClientFor("admin", "*").PostAsync("/api/v1/fhir", FhirSamples.Content(FhirSamples.Bundle(Bundle.BundleType.Batch, FhirSamples.Encounter(encounter.Id))), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, staff.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Null(await StoredAsync(encounter.Id));
    }

    [Fact]
    public async Task An_integration_token_does_not_reach_staff_routes()
    {
        var submitted = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await submitted.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;

        var read = await Ehr("*").GetAsync($"/api/v1/feedback/{id}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
    }

    [Fact]
    public async Task An_encounter_outside_the_clients_facilities_is_forbidden_and_not_recorded()
    {
        var encounter = FhirSamples.EncounterWithPatient();

        var single = await Ehr("mesa-valley").PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);
        var batch = await Ehr("mesa-valley").PostAsync("/api/v1/fhir", FhirSamples.Content(FhirSamples.Bundle(Bundle.BundleType.Batch, FhirSamples.Encounter(encounter.Id))), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, single.StatusCode);
        var issue = Assert.Single((await OutcomeOf(single)).Issue);
        Assert.Equal((OperationOutcome.IssueType.Forbidden, FeedReasons.FacilityNotInScope), (issue.Code!.Value, Reason(issue)));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(FeedReasons.FacilityNotInScope, Reason((await OutcomeOf(batch)).Issue[0]));
        Assert.Null(await StoredAsync(encounter.Id));
    }

    [Fact]
    public async Task When_the_directory_cannot_be_read_nothing_is_recorded_and_the_answer_is_a_503_OperationOutcome()
    {
        await using var unavailable = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IFacilityDirectory>(new UnreachableDirectory())));
        var client = unavailable.CreateClient();
        client.DefaultRequestHeaders.Authorization = app.ClientFor("integration", "riverside-general").DefaultRequestHeaders.Authorization;
        var encounter = FhirSamples.EncounterWithPatient();

        var single = await client.PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(encounter), Ct);
        var bundle = await client.PostAsync("/api/v1/fhir", FhirSamples.Content(FhirSamples.Bundle(Bundle.BundleType.Batch, FhirSamples.Encounter(encounter.Id))), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, single.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.Transient, Assert.Single((await OutcomeOf(single)).Issue).Code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, bundle.StatusCode);
        Assert.Null(await unavailable.Services.GetRequiredService<DischargeStore>().FindByEncounterAsync("riverside-general", encounter.Id!, Ct));
    }

    private sealed class UnreachableDirectory : IFacilityDirectory
    {
        public Task<FacilityLookup> FindAsync(string facilityId, CancellationToken ct) => throw new DirectoryUnavailableException(new InvalidOperationException("unreachable"));
    }
}
