using Grpc.Core;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Caching;
using PatientExperience.ServiceDefaults.Grpc;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Contacts;

/// <summary>A facility as notifications name it: its name and time zone (for quiet hours and local times), and its departments' and units' names.</summary>
public sealed record FacilityInfo(string Id, string Name, string TimeZone, IReadOnlyDictionary<string, string> Departments, IReadOnlyDictionary<string, string> Units);

/// <summary>What notifications need to know about a case: ids and classification only, never the patient's details.</summary>
public sealed record CaseSummary
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    /// <summary>Intake's discharge id for a case from a survey: the patient's contact is read by it, not by the submission.</summary>
    public Guid? DischargeId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public Severity? Severity { get; init; }
    /// <summary>The channel the concern came through (from CaseOpened); unknown (read from the case service, stored before): anonymous.</summary>
    public SubmissionOrigin SubmittedBy { get; init; } = SubmissionOrigin.Anonymous;
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

/// <summary>
/// The case service over gRPC, with this service's token for the facility. The facility list is cached for a minute (read
/// again early, at most every few seconds, for a facility it does not hold; the names read before do while the case service
/// is briefly unreachable).
/// </summary>
internal sealed class GrpcCaseDirectory : ICaseDirectory, IDisposable
{
    private static readonly TimeSpan FacilitiesTtl = TimeSpan.FromMinutes(1);
    private readonly CaseService.CaseServiceClient _client;
    private readonly IServiceTokenSource _tokens;
    private readonly SnapshotCache<FacilityInfo> _facilities;

    public GrpcCaseDirectory(CaseService.CaseServiceClient client, IServiceTokenSource tokens, TimeProvider clock)
    {
        _client = client;
        _tokens = tokens;
        _facilities = new(ct => ReadFacilitiesAsync(client, ct), e => e is RpcException, FacilitiesTtl, TimeSpan.FromSeconds(5), clock);
    }

    public async Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(Guid? caseId, string facilityId, string? departmentId, EscalationLevel level, CancellationToken ct)
    {
        var request = caseId is { } id
            ? new ResolveRecipientsRequest { CaseId = id.ToString(), Level = level.ToWire() }
            : new ResolveRecipientsRequest { FacilityId = facilityId, DepartmentId = departmentId ?? "", Level = level.ToWire() };
        var reply = await _client.ResolveRecipientsAsync(request, await HeadersAsync(facilityId, ct), CallDeadline.After(TimeSpan.FromSeconds(10)), ct);
        return reply.Recipients.Select(r => new StaffRecipient
        {
            PersonId = r.PersonId, Name = r.Name, Role = r.Role, Email = Null(r.Email), Phone = Null(r.Phone), Pager = Null(r.Pager), TimeZone = Null(r.TimeZone),
        }).ToList();
    }

    public async Task<CaseSummary?> GetCaseAsync(Guid caseId, string facilityId, CancellationToken ct)
    {
        try
        {
            var c = await _client.GetCaseAsync(new GetCaseRequest { CaseId = caseId.ToString() }, await HeadersAsync(facilityId, ct), CallDeadline.After(TimeSpan.FromSeconds(10)), ct);
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

    public async Task<FacilityInfo?> FacilityAsync(string facilityId, CancellationToken ct) =>
        (await _facilities.FindAsync(facilityId, ct)).Value;

    private static async Task<IReadOnlyDictionary<string, FacilityInfo>> ReadFacilitiesAsync(CaseService.CaseServiceClient client, CancellationToken ct)
    {
        var reply = await client.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(10)), cancellationToken: ct);
        return reply.Facilities.ToDictionary(f => f.FacilityId, f => new FacilityInfo(f.FacilityId, f.Name, f.TimeZone,
            f.Departments.ToDictionary(d => d.DepartmentId, d => d.Name, StringComparer.Ordinal),
            f.Departments.SelectMany(d => d.Units).DistinctBy(u => u.UnitId).ToDictionary(u => u.UnitId, u => u.Name, StringComparer.Ordinal)),
            StringComparer.Ordinal);
    }

    public void Dispose() => _facilities.Dispose();

    private async Task<Metadata> HeadersAsync(string facilityId, CancellationToken ct) =>
        new() { { "Authorization", "Bearer " + await _tokens.TokenForAsync(facilityId, ct) } };

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
