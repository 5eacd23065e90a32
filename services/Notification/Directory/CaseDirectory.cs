using Grpc.Core;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.Storage;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Notification.Directory;

/// <summary>A facility as notifications name it: its name and time zone (for quiet hours and local times), and its departments' and units' names.</summary>
public sealed record FacilityInfo(string Id, string Name, string TimeZone, IReadOnlyDictionary<string, string> Departments, IReadOnlyDictionary<string, string> Units);

/// <summary>What notifications need to know about a case: ids and classification only, never the patient's details.</summary>
public sealed record CaseSummary
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public Severity? Severity { get; init; }
}

/// <summary>What the case service knows that notifications need: who holds a level, a case's number, facility names and time zones.</summary>
public interface ICaseDirectory
{
    /// <summary>Who holds <paramref name="level"/> for the case (when <paramref name="caseId"/> is given) or the place.</summary>
    Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(Guid? caseId, string facilityId, string? departmentId, EscalationLevel level, CancellationToken ct);

    /// <summary>The case, or null if the case service does not know it.</summary>
    Task<CaseSummary?> GetCaseAsync(Guid caseId, string facilityId, CancellationToken ct);

    /// <summary>The facility, or null if the directory does not have it.</summary>
    Task<FacilityInfo?> FacilityAsync(string facilityId, CancellationToken ct);
}

/// <summary>The case service over gRPC, with this service's token for the facility; the facility list is cached for a minute.</summary>
internal sealed class GrpcCaseDirectory(CaseService.CaseServiceClient client, IServiceTokenSource tokens, TimeProvider clock) : ICaseDirectory
{
    private static readonly TimeSpan FacilitiesTtl = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (IReadOnlyDictionary<string, FacilityInfo> Facilities, DateTimeOffset ReadAt)? _facilities;

    public async Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(Guid? caseId, string facilityId, string? departmentId, EscalationLevel level, CancellationToken ct)
    {
        var request = caseId is { } id
            ? new ResolveRecipientsRequest { CaseId = id.ToString(), Level = level.ToWire() }
            : new ResolveRecipientsRequest { FacilityId = facilityId, DepartmentId = departmentId ?? "", Level = level.ToWire() };
        var reply = await client.ResolveRecipientsAsync(request, await HeadersAsync(facilityId, ct), DateTime.UtcNow.AddSeconds(10), ct);
        return reply.Recipients.Select(r => new StaffRecipient
        {
            PersonId = r.PersonId, Name = r.Name, Role = r.Role, Email = Null(r.Email), Phone = Null(r.Phone), Pager = Null(r.Pager), TimeZone = Null(r.TimeZone),
        }).ToList();
    }

    public async Task<CaseSummary?> GetCaseAsync(Guid caseId, string facilityId, CancellationToken ct)
    {
        try
        {
            var c = await client.GetCaseAsync(new GetCaseRequest { CaseId = caseId.ToString() }, await HeadersAsync(facilityId, ct), DateTime.UtcNow.AddSeconds(10), ct);
            return new CaseSummary
            {
                CaseId = caseId, CaseNumber = c.CaseNumber, SubmissionId = Guid.Parse(c.SubmissionId), FacilityId = c.FacilityId,
                DepartmentId = Null(c.DepartmentId), UnitId = Null(c.UnitId),
            };
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<FacilityInfo?> FacilityAsync(string facilityId, CancellationToken ct)
    {
        if (NeedsRefresh(facilityId))
        {
            await _refresh.WaitAsync(ct);
            try
            {
                if (NeedsRefresh(facilityId))
                {
                    var reply = await client.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
                    _facilities = (reply.Facilities.ToDictionary(f => f.FacilityId, f => new FacilityInfo(f.FacilityId, f.Name, f.TimeZone,
                        f.Departments.ToDictionary(d => d.DepartmentId, d => d.Name, StringComparer.Ordinal),
                        f.Departments.SelectMany(d => d.Units).DistinctBy(u => u.UnitId).ToDictionary(u => u.UnitId, u => u.Name, StringComparer.Ordinal)),
                        StringComparer.Ordinal), clock.GetUtcNow());
                }
            }
            catch (RpcException) when (_facilities is not null)
            {
                // The case service is briefly unreachable: the names read before will do.
            }
            finally
            {
                _refresh.Release();
            }
        }

        return _facilities!.Value.Facilities.TryGetValue(facilityId, out var f) ? f : null;
    }

    /// <summary>Stale, or missing the facility and not read in the last few seconds (a facility added a moment ago).</summary>
    private bool NeedsRefresh(string facilityId)
    {
        if (_facilities is not { } cached) return true;
        var age = clock.GetUtcNow() - cached.ReadAt;
        return age > FacilitiesTtl || (!cached.Facilities.ContainsKey(facilityId) && age > TimeSpan.FromSeconds(5));
    }

    private async Task<Metadata> HeadersAsync(string facilityId, CancellationToken ct) =>
        new() { { "Authorization", "Bearer " + await tokens.TokenForAsync(facilityId, ct) } };

    private static string? Null(string value) => value.Length == 0 ? null : value;
}

/// <summary>Case summaries kept from CaseOpened, so later events can name the case without asking the case service.</summary>
public sealed class CaseSummaryStore([FromKeyedServices(NotificationModule.ServiceName)] IDocumentStore store, ICaseDirectory directory)
{
    public static readonly CollectionDefinition Definition = new("cases");

    private readonly IDocumentCollection<CaseSummary> _cases = store.Collection<CaseSummary>(Definition);

    public async Task RememberAsync(CaseSummary summary, CancellationToken ct)
    {
        try
        {
            await _cases.InsertAsync(summary.CaseId.ToString(), summary, [], ct);
        }
        catch (DuplicateDocumentException)
        {
            // Known already (a redelivered CaseOpened, or read from the case service first).
        }
    }

    /// <summary>The case as remembered, else as the case service gives it (then remembered).</summary>
    /// <exception cref="InvalidOperationException">Neither knows the case.</exception>
    public async Task<CaseSummary> GetAsync(Guid caseId, string facilityId, CancellationToken ct)
    {
        if ((await _cases.GetAsync(caseId.ToString(), ct))?.Document is { } known) return known;
        var read = await directory.GetCaseAsync(caseId, facilityId, ct)
            ?? throw new InvalidOperationException($"Case {caseId} is not known to the case service.");
        await RememberAsync(read, ct);
        return read;
    }
}
