using Grpc.Core;
using Grpc.Net.Client;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.Intake.Audit;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace PatientExperience.Intake.Tests.Discharges;

/// <summary>The survey side asks intake how to reach a discharged patient: only for its facilities, and every read is audited.</summary>
public sealed class GetDischargeContactGrpcTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IntakeService.IntakeServiceClient Client() =>
        new(GrpcChannel.ForAddress(app.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = app.Server.CreateHandler() }));

    private static Metadata Bearer(string role, string facility) =>
        new() { { "Authorization", "Bearer " + SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = IntakeApp.SigningKey }, "survey-service", role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)) } };

    private async Task<Guid> DischargeAsync()
    {
        var response = await app.ClientFor("integration", "riverside-general").PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(FhirSamples.EncounterWithPatient()), Ct);
        var outcome = (OperationOutcome)new FhirJsonDeserializer(new DeserializerSettings()).DeserializeResource(await response.Content.ReadAsStringAsync(Ct));
        return Guid.Parse(outcome.Issue[0].Diagnostics!["dischargeId=".Length..]);
    }

    [Fact]
    public async Task A_service_authorised_for_the_facility_reads_the_contact_and_the_read_is_audited()
    {
        var id = await DischargeAsync();

        var contact = await Client().GetDischargeContactAsync(new GetDischargeContactRequest { DischargeId = id.ToString() }, Bearer("patient-relations", "riverside-general"), cancellationToken: Ct);

        Assert.Equal(id.ToString(), contact.DischargeId);
        Assert.Equal("riverside-general", contact.FacilityId);
        Assert.Equal($"{FhirSamples.Given} {FhirSamples.Family}", contact.Name);
        Assert.Equal(FhirSamples.Email, contact.Email);
        Assert.Equal(FhirSamples.Mobile, contact.Phone);
        Assert.True(contact.PhoneIsMobile);
        Assert.Equal("es", contact.PreferredLanguage);
        var audit = await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct);
        var read = Assert.Single(audit);
        Assert.Equal(("survey-service", "discharge-contact.read.grpc", "riverside-general"), (read.Actor, read.Action, read.FacilityId));
    }

    [Fact]
    public async Task Without_a_token_outside_the_facilities_or_for_an_integration_client_the_contact_is_refused()
    {
        var id = await DischargeAsync();
        var request = new GetDischargeContactRequest { DischargeId = id.ToString() };

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client().GetDischargeContactAsync(request, cancellationToken: Ct).ResponseAsync);
        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => Client().GetDischargeContactAsync(request, Bearer("patient-relations", "mesa-valley"), cancellationToken: Ct).ResponseAsync);
        var integration = await Assert.ThrowsAsync<RpcException>(() => Client().GetDischargeContactAsync(request, Bearer("integration", "*"), cancellationToken: Ct).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client().GetDischargeContactAsync(new GetDischargeContactRequest { DischargeId = Guid.NewGuid().ToString() }, Bearer("patient-relations", "*"), cancellationToken: Ct).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => Client().GetDischargeContactAsync(new GetDischargeContactRequest { DischargeId = "nope" }, Bearer("patient-relations", "*"), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, integration.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        // Only the caller who reached an existing discharge outside their facilities is on record, as refused.
        var refused = Assert.Single(await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct));
        Assert.Equal(AuditOutcome.Denied, refused.Outcome);
        Assert.Equal(IntakeAuditLog.DischargeKind, refused.SubjectKind);
    }
}
