using Microsoft.AspNetCore.Http;
using PatientExperience.Storage;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Audit;

/// <summary>The case service's chain of accesses to a case's protected text (notes, tasks, letters, messages).</summary>
public sealed class CaseAuditLog([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store, TimeProvider clock, IHttpContextAccessor http)
    : PhiAuditLog(store, clock, http, "case");
