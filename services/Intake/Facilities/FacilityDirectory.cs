using Grpc.Core;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case.V1;

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
internal sealed class CaseServiceFacilityDirectory(CaseService.CaseServiceClient client, IOptions<IntakeOptions> options, TimeProvider clock) : IFacilityDirectory
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<string, FacilityInfo> Facilities, DateTimeOffset ReadAt);

    public async Task<FacilityLookup> FindAsync(string facilityId, CancellationToken ct)
    {
        var snapshot = _snapshot;
        var now = clock.GetUtcNow();
        var ttl = TimeSpan.FromSeconds(options.Value.DirectoryCacheSeconds);
        var needsRefresh = snapshot is null || now - snapshot.ReadAt > ttl
            || (!snapshot.Facilities.ContainsKey(facilityId) && now - snapshot.ReadAt > MinRefreshInterval);
        if (needsRefresh) snapshot = await RefreshAsync(snapshot, ct);
        return snapshot!.Facilities.TryGetValue(facilityId, out var f) ? new FacilityLookup(true, f) : new FacilityLookup(false, null);
    }

    private async Task<Snapshot> RefreshAsync(Snapshot? previous, CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            if (_snapshot is { } current && !ReferenceEquals(current, previous)) return current;
            var reply = await client.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            var facilities = reply.Facilities.ToDictionary(
                f => f.FacilityId,
                f => new FacilityInfo(f.FacilityId, f.Name, f.Departments.Select(d => new DepartmentInfo(d.DepartmentId, d.Name, d.Units.Select(u => new UnitInfo(u.UnitId, u.Name)).ToList())).ToList()),
                StringComparer.Ordinal);
            return _snapshot = new Snapshot(facilities, clock.GetUtcNow());
        }
        catch (RpcException e)
        {
            if (previous is not null) return previous;
            throw new DirectoryUnavailableException(e);
        }
        finally
        {
            _refresh.Release();
        }
    }
}
