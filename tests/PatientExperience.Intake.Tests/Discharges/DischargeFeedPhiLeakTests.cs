using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.ServiceDefaults.Security;
using Task = System.Threading.Tasks.Task;

namespace PatientExperience.Intake.Tests.Discharges;

/// <summary>What the EHR sends about a patient never reaches logs, traces or the answers, whatever path it takes.</summary>
public sealed class DischargeFeedPhiLeakTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nothing_from_the_patient_resource_reaches_logs_traces_or_error_answers()
    {
        var ehr = app.ClientFor("integration", "riverside-general");
        var answers = new List<string>();
        async Task Post(string path, string body)
        {
            var response = await ehr.PostAsync(path, FhirSamples.Content(body), Ct);
            answers.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        // Accepted, redelivered, ignored, refused as invalid (values the parser would quote), malformed, and read back over gRPC.
        var encounter = FhirSamples.EncounterWithPatient();
        await Post("/api/v1/fhir/Encounter", encounter.ToJson());
        await Post("/api/v1/fhir/Encounter", encounter.ToJson());
        await app.PublishedAsync<PatientDischarged>(m => m.EncounterId == encounter.Id);
        var ambulatory = FhirSamples.EncounterWithPatient();
        ambulatory.Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB");
        await Post("/api/v1/fhir", FhirSamples.Bundle(Bundle.BundleType.Batch, ambulatory).ToJson());
        var invalid = encounter.ToJson()
            .Replace("\"1960-03-15\"", $"\"{FhirSamples.Given}\"", StringComparison.Ordinal)
            .Replace("\"home\"", $"\"{FhirSamples.Email}\"", StringComparison.Ordinal);
        Assert.NotEqual(encounter.ToJson(), invalid);
        await Post("/api/v1/fhir/Encounter", invalid);
        await Post("/api/v1/fhir/Encounter", $$"""{"resourceType":"Encounter","id":"{{FhirSamples.Mrn}}","{{FhirSamples.Family}}":"{{FhirSamples.Street}}"}""");
        await Post("/api/v1/fhir", $$"""{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"{{FhirSamples.Family}}""");
        var grpc = new IntakeService.IntakeServiceClient(GrpcChannel.ForAddress(app.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = app.Server.CreateHandler() }));
        var id = (await app.PublishedAsync<PatientDischarged>(m => m.EncounterId == encounter.Id)).DischargeId;
        var token = SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = IntakeApp.SigningKey }, "survey-service", "patient-relations", ["riverside-general"], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        await grpc.GetDischargeContactAsync(new GetDischargeContactRequest { DischargeId = id.ToString() }, new Metadata { { "Authorization", "Bearer " + token } }, cancellationToken: Ct);

        Assert.Equal(6, answers.Count);
        foreach (var answer in answers)
        {
            foreach (var phi in FhirSamples.Phi) Assert.DoesNotContain(phi, answer, StringComparison.OrdinalIgnoreCase);
        }

        Assert.NotEmpty(app.Logs.Messages);
        foreach (var line in app.Logs.Messages)
        {
            foreach (var phi in FhirSamples.Phi) Assert.DoesNotContain(phi, line, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var activity in app.Activities)
        {
            var text = string.Join(" | ", new[] { activity.DisplayName, activity.OperationName, activity.StatusDescription ?? "" }
                .Concat(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))
                .Concat(activity.Baggage.Select(b => $"{b.Key}={b.Value}")));
            foreach (var phi in FhirSamples.Phi) Assert.DoesNotContain(phi, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
