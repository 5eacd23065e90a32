using Microsoft.AspNetCore.Http;
using PatientExperience.Storage;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Intake.Audit;

/// <summary>
/// Intake's chain of accesses to patients' details: submissions (<c>feedback.read</c>, ...) and, for the
/// <c>discharge-contact.*</c> actions, discharges.
/// </summary>
public sealed class IntakeAuditLog([FromKeyedServices(IntakeModule.ServiceName)] IDocumentStore store, TimeProvider clock, IHttpContextAccessor http)
    : PhiAuditLog(store, clock, http, SubmissionKind)
{
    public const string SubmissionKind = "submission";
    public const string DischargeKind = "discharge";
}
