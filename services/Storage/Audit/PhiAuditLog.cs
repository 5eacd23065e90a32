using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Storage.Audit;

/// <summary>
/// One read of protected health information as a service stores it: who, when, what, about which subject (a submission, a
/// case), for which facility. Each service keeps its own record type so its stored documents keep their field names
/// (<c>submissionId</c>, <c>caseId</c>); the log itself is <see cref="PhiAuditLog{TAccess}"/>.
/// </summary>
public interface IPhiAccess<TSelf> where TSelf : IPhiAccess<TSelf>
{
    /// <summary>The stored field naming the subject that was read, as written in the document (camel case).</summary>
    static abstract string SubjectField { get; }

    static abstract TSelf Create(Guid id, DateTimeOffset at, string actor, IReadOnlyList<string> roles, string action, Guid subjectId, string facilityId);

    Guid Id { get; }
}

/// <summary>Every read of PHI is recorded, in the service's own store, before the data is returned.</summary>
public sealed class PhiAuditLog<TAccess> where TAccess : class, IPhiAccess<TAccess>
{
    /// <summary>The collection every service keeps its audit entries in.</summary>
    public static readonly CollectionDefinition Definition = new("phi_access") { IndexedFields = [TAccess.SubjectField, "actor", "at"] };

    private readonly IDocumentCollection<TAccess> _log;
    private readonly TimeProvider _clock;

    public PhiAuditLog(IDocumentStore store, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        _log = store.Collection<TAccess>(Definition);
        _clock = clock;
    }

    public async Task RecordAsync(ClaimsPrincipal user, string action, Guid subjectId, string facilityId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var entry = TAccess.Create(Guid.CreateVersion7(), _clock.GetUtcNow(), user.PersonId() ?? "unknown",
            user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(), action, subjectId, facilityId);
        await _log.InsertAsync(entry.Id.ToString(), entry, [], ct);
    }

    /// <summary>Every recorded read of <paramref name="subjectId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<TAccess>> ForSubjectAsync(Guid subjectId, CancellationToken ct) =>
        (await _log.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq(TAccess.SubjectField, subjectId.ToString())], SortBy = "at", PageSize = 1000 }, ct))
        .Items.Select(i => i.Document).ToList();
}

public static class PhiAuditLogExtensions
{
    /// <summary>Registers the PHI audit log of the service whose keyed store is <paramref name="serviceName"/>.</summary>
    public static IServiceCollection AddPhiAuditLog<TAccess>(this IServiceCollection services, string serviceName) where TAccess : class, IPhiAccess<TAccess> =>
        services.AddSingleton(sp => new PhiAuditLog<TAccess>(sp.GetRequiredKeyedService<IDocumentStore>(serviceName), sp.GetRequiredService<TimeProvider>()));
}
