using PatientExperience.Client;
using PatientExperience.Web.Shared;

namespace PatientExperience.Web.Patient;

/// <summary>
/// The public facility directory (<c>GET /api/v1/facilities</c>) for the pickers, kept for a minute: it changes rarely, and
/// every render of the form need not spend one of the patient's public requests at the gateway.
/// </summary>
public sealed class FacilityCache(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (IReadOnlyList<Facility> Facilities, DateTimeOffset At)? _cached;

    public async Task<ApiOutcome<IReadOnlyList<Facility>>> GetAsync(IPlatformApiClient api, CancellationToken ct)
    {
        if (Fresh() is { } fresh) return new(fresh, 200, new Dictionary<string, string[]>());
        await _refresh.WaitAsync(ct);
        try
        {
            if (Fresh() is { } again) return new(again, 200, new Dictionary<string, string[]>());
            var outcome = await ApiCall.RunAsync<IReadOnlyList<Facility>>(async () => [.. await api.ListFacilitiesAsync(ct)]);
            if (outcome.Succeeded) _cached = (outcome.Value!, clock.GetUtcNow());
            return outcome;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private IReadOnlyList<Facility>? Fresh() => _cached is { } c && clock.GetUtcNow() - c.At < Lifetime ? c.Facilities : null;
}
