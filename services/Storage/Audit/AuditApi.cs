using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Storage.Audit;

/// <summary>
/// The compliance API over a service's audit log: who accessed a record (<c>GET {prefix}?{subject}=...</c>) and whether the
/// chain is intact (<c>GET {prefix}/verify</c>). Compliance officers and administrators only; a list shows only the entries
/// of the caller's facilities, and verification (which reads the whole chain) needs every facility.
/// </summary>
public static class AuditApi
{
    public static readonly IReadOnlyList<StaffRole> ReaderRoles = RolePermissions.RolesWith(Permission.ReadAudit);

    /// <param name="prefix">Under the service's <c>/api/v1</c> group, e.g. <c>/audit</c> or <c>/audit/intake</c>.</param>
    /// <param name="subjectParameter">The query parameter naming the record (<c>caseId</c>, <c>submissionId</c>, ...).</param>
    /// <param name="operationPrefix">Makes the operation ids unique across services (<c>Case</c>, <c>Intake</c>, ...).</param>
    public static RouteGroupBuilder MapAuditApi<TLog>(this RouteGroupBuilder api, string prefix, string subjectParameter, string operationPrefix)
        where TLog : PhiAuditLog
    {
        var group = api.MapGroup(prefix).WithTags("Audit").RequireAuthorization(p => p.RequireRole(ReaderRoles.ToClaims()));

        group.MapGet("", (HttpContext http, ClaimsPrincipal user, CancellationToken ct, int page = 1, int pageSize = 100) =>
                ListAsync(http, user, http.RequestServices.GetRequiredService<TLog>(), page, pageSize, ct))
            .WithMetadata(new AuditSubjectParameter(subjectParameter))
            .WithName($"List{operationPrefix}AuditEntries")
            .WithSummary($"Who accessed protected health information, allowed or denied, oldest first; with {subjectParameter}, only the accesses to that record.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Insert(0, new OpenApiParameter
                {
                    Name = subjectParameter,
                    In = ParameterLocation.Query,
                    Description = "Only the accesses to this record.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                });
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/verify", (ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
                VerifyAsync(user, http.RequestServices.GetRequiredService<TLog>(), ct))
            .WithName($"Verify{operationPrefix}AuditChain")
            .WithSummary("Walks the whole audit chain and answers whether it is intact, or the first entry where it breaks and why.");
        return api;
    }

    private static async Task<Results<Ok<PagedResponse<PhiAuditEntry>>, ValidationProblem>> ListAsync(
        HttpContext http, ClaimsPrincipal user, PhiAuditLog log, int page, int pageSize, CancellationToken ct)
    {
        var subjectParameter = http.GetEndpoint()?.Metadata.GetMetadata<AuditSubjectParameter>()?.Name ?? "subjectId";
        var subject = http.Request.Query[subjectParameter].ToString();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Guid? subjectId = null;
        if (subject.Length > 0)
        {
            if (Guid.TryParse(subject, out var id)) subjectId = id;
            else errors[subjectParameter] = ["Must be a UUID."];
        }

        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, PhiAuditLog.MaxPageSize);
        if (errors.Count > 0) return ProblemResults.Validation(errors);

        var result = await log.ListAsync(subjectId, user.HasAllFacilities() ? null : user.Facilities(), page, pageSize, ct);
        return TypedResults.Ok(new PagedResponse<PhiAuditEntry>(result.Items.Select(i => i.Document).ToList(), result.PageNumber, result.PageSize, result.Total));
    }

    private static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyAsync(ClaimsPrincipal user, PhiAuditLog log, CancellationToken ct)
    {
        if (!user.HasAllFacilities()) return ProblemResults.Forbidden("Verifying the audit chain reads every facility's entries: it needs access to every facility.");
        return TypedResults.Ok(await log.VerifyAsync(ct));
    }
}

/// <summary>Which query parameter names the record on a service's audit list (<c>caseId</c>, <c>submissionId</c>, ...).</summary>
internal sealed record AuditSubjectParameter(string Name);
