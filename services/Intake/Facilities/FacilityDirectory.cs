using Grpc.Core;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.ServiceDefaults.Caching;
using PatientExperience.ServiceDefaults.Grpc;

namespace PatientExperience.Intake.Facilities;

public sealed record FacilityInfo(string Id, string Name, IReadOnlyList<DepartmentInfo> Departments);
public sealed record DepartmentInfo(string Id, string Name, IReadOnlyList<UnitInfo> Units);
public sealed record UnitInfo(string Id, string Name);

/// <param name="Known">Whether the facility exists.</param>
public sealed record FacilityLookup(bool Known, FacilityInfo? Facility);

public sealed class DirectoryUnavailableException(Exception inner) : Exception("The facility directory is unavailable.", inner);

/// <summary>Which facilities, departments and units exist. The case service owns the directory; intake reads it.</summary>
public interface IFacilityDirectory
{
    /// <exception cref="DirectoryUnavailableException">The directory cannot be read and nothing is cached.</exception>
    Task<FacilityLookup> FindAsync(string facilityId, CancellationToken ct);
}

/// <summary>
/// Reads the directory from the case service over gRPC and caches it. An unknown facility triggers one early refresh
/// (at most every few seconds) so a facility added a moment ago is accepted; a stale cache is used when the case
/// service is briefly unreachable.
/// </summary>
internal sealed class CaseServiceFacilityDirectory : IFacilityDirectory, IDisposable
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(5);
    private readonly SnapshotCache<FacilityInfo> _facilities;

    public CaseServiceFacilityDirectory(CaseService.CaseServiceClient client, IOptions<IntakeOptions> options, TimeProvider clock) =>
        _facilities = new SnapshotCache<FacilityInfo>(ct => ReadAsync(client, ct), e => e is RpcException,
            TimeSpan.FromSeconds(options.Value.DirectoryCacheSeconds), MinRefreshInterval, clock);

    public async Task<FacilityLookup> FindAsync(string facilityId, CancellationToken ct)
    {
        try
        {
            var (known, facility) = await _facilities.FindAsync(facilityId, ct);
            return new FacilityLookup(known, facility);
        }
        catch (RpcException e)
        {
            // Unreachable and nothing read yet.
            throw new DirectoryUnavailableException(e);
        }
    }

    private static async Task<IReadOnlyDictionary<string, FacilityInfo>> ReadAsync(CaseService.CaseServiceClient client, CancellationToken ct)
    {
        var reply = await client.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(5)), cancellationToken: ct);
        return reply.Facilities.ToDictionary(
            f => f.FacilityId,
            f => new FacilityInfo(f.FacilityId, f.Name, f.Departments.Select(d => new DepartmentInfo(d.DepartmentId, d.Name, d.Units.Select(u => new UnitInfo(u.UnitId, u.Name)).ToList())).ToList()),
            StringComparer.Ordinal);
    }

    public void Dispose() => _facilities.Dispose();
}
