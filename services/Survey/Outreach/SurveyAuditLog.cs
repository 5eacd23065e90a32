using Microsoft.AspNetCore.Http;
using PatientExperience.Storage;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Survey.Outreach;

/// <summary>The survey service's chain of accesses to respondents' contact references (outreach consents), by survey response.</summary>
public sealed class SurveyAuditLog([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store, TimeProvider clock, IHttpContextAccessor http)
    : PhiAuditLog(store, clock, http, "survey-response");
