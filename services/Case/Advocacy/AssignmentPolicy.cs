using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary>One setting of a facility's assignment policy: the mode, who set it and when.</summary>
public sealed record AssignmentPolicyChange(AssignmentMode Mode, DateTimeOffset At, string By);

/// <summary>
/// How a facility's new cases find their advocate: <c>auto</c> (matched at opening) or <c>manual</c> (the default while none is
/// set). One document per facility; every change is kept in <see cref="Changes"/> (who and when), newest last.
/// </summary>
public sealed record AssignmentPolicy
{
    public required string FacilityId { get; init; }
    public required AssignmentMode Mode { get; init; }
    public IReadOnlyList<AssignmentPolicyChange> Changes { get; init; } = [];

    public static AssignmentPolicy Default(string facilityId) => new() { FacilityId = facilityId, Mode = AssignmentMode.Manual };

    /// <summary>The policy with <paramref name="mode"/>; the same mode again changes nothing (null).</summary>
    public AssignmentPolicy? Set(AssignmentMode mode, string by, DateTimeOffset at) =>
        mode == Mode && Changes.Count > 0 ? null : this with { Mode = mode, Changes = [.. Changes, new AssignmentPolicyChange(mode, at, by)] };
}

/// <summary>The assignment policies port (collection <c>assignment_policies</c>, one per facility, versioned).</summary>
public sealed class AssignmentPolicyStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("assignment_policies");

    private readonly IDocumentCollection<AssignmentPolicy> _policies = store.Collection<AssignmentPolicy>(Definition);

    public Task<Stored<AssignmentPolicy>?> GetAsync(string facilityId, CancellationToken ct) => _policies.GetAsync(facilityId, ct);

    public async Task<AssignmentMode> ModeAsync(string facilityId, CancellationToken ct) =>
        (await GetAsync(facilityId, ct))?.Document.Mode ?? AssignmentMode.Manual;

    /// <summary>Writes the policy: a first one (<paramref name="expectedVersion"/> 0) or over that version.</summary>
    /// <exception cref="ConcurrencyConflictException">It changed since then (or, for a first one, exists already).</exception>
    public async Task<Stored<AssignmentPolicy>> SaveAsync(AssignmentPolicy policy, long expectedVersion, CancellationToken ct)
    {
        if (expectedVersion != 0) return await _policies.ReplaceAsync(policy.FacilityId, policy, expectedVersion, [], ct);
        try
        {
            return await _policies.InsertAsync(policy.FacilityId, policy, [], ct);
        }
        catch (DuplicateDocumentException)
        {
            throw new ConcurrencyConflictException(Definition.Name, policy.FacilityId);
        }
    }

    /// <summary>Sets a facility's first policy (demo seed); false when it has one.</summary>
    public async Task<bool> TryAddAsync(AssignmentPolicy policy, CancellationToken ct)
    {
        try
        {
            await _policies.InsertAsync(policy.FacilityId, policy, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }
}
