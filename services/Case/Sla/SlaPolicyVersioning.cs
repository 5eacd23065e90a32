using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Sla;

/// <summary>What a facility asks its SLA policy to be: the deadlines, and complete deadlines for the severities that differ.</summary>
public sealed record SlaPolicyDraft(SlaDeadlines Deadlines, IReadOnlyDictionary<Severity, SlaDeadlines> Severities)
{
    /// <summary>True when <paramref name="policy"/> already says exactly this.</summary>
    public bool IsSameAs(SlaPolicyDocument policy) =>
        policy.Deadlines == Deadlines
        && policy.Severities.Count == Severities.Count
        && policy.Severities.All(kv => Severities.TryGetValue(kv.Key, out var other) && other == kv.Value);
}

/// <summary>The outcome of asking for a new version of a facility's SLA policy.</summary>
public abstract record SlaPolicyRevision
{
    private SlaPolicyRevision() { }

    /// <summary>The version in force after this outcome (null when nothing could be written).</summary>
    public virtual SlaPolicyDocument? InForce => null;

    /// <summary>A new version was written (or is to be written, see <see cref="SlaPolicyVersioning.Decide"/>).</summary>
    public sealed record Added(SlaPolicyDocument Policy) : SlaPolicyRevision
    {
        public override SlaPolicyDocument InForce => Policy;
    }

    /// <summary>The policy in force already says this: no new version.</summary>
    public sealed record Unchanged(SlaPolicyDocument Policy) : SlaPolicyRevision
    {
        public override SlaPolicyDocument InForce => Policy;
    }

    /// <summary>The caller named a version that is no longer the latest: nothing was changed.</summary>
    public sealed record Stale : SlaPolicyRevision;

    /// <summary>Others kept writing new versions at the same time: nothing was changed, retry.</summary>
    public sealed record Contended : SlaPolicyRevision;
}

/// <summary>
/// How SLA policies are versioned. Versions are only ever added: the next one is the latest plus one (version 0 is the
/// regulatory profile's default, never stored), and a written version never changes, so a case keeps the version it opened
/// under. Asking for the policy in force again adds nothing (a retry is idempotent). A caller who names the version it read
/// never overwrites a newer one; a caller who does not takes the next number after a concurrent writer.
/// </summary>
public static class SlaPolicyVersioning
{
    /// <summary>How many times a writer without an expected version tries the next number before giving up.</summary>
    public const int MaxAttempts = 5;

    /// <summary>What asking for <paramref name="draft"/> means while <paramref name="latest"/> (null: none yet) is in force.</summary>
    public static SlaPolicyRevision Decide(
        string facilityId, SlaPolicyDocument? latest, long? expectedVersion, SlaPolicyDraft draft, DateTimeOffset now, string? author)
    {
        var current = latest?.Version ?? 0;
        if (expectedVersion is { } expected && expected != current) return new SlaPolicyRevision.Stale();
        if (latest is not null && draft.IsSameAs(latest)) return new SlaPolicyRevision.Unchanged(latest);
        return new SlaPolicyRevision.Added(new SlaPolicyDocument
        {
            FacilityId = facilityId, Version = current + 1, CreatedAt = now, CreatedBy = author, Deadlines = draft.Deadlines, Severities = draft.Severities,
        });
    }

    /// <summary>Applies <see cref="Decide"/> against the store, taking the next number when a concurrent writer took this one.</summary>
    public static async Task<SlaPolicyRevision> ReviseAsync(
        SlaPolicyStore store, string facilityId, long? expectedVersion, SlaPolicyDraft draft, TimeProvider clock, string? author, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var decision = Decide(facilityId, await store.LatestAsync(facilityId, ct), expectedVersion, draft, clock.GetUtcNow(), author);
            if (decision is not SlaPolicyRevision.Added added || await store.TryAddAsync(added.Policy, ct)) return decision;
            if (expectedVersion is not null) return new SlaPolicyRevision.Stale();
        }

        return new SlaPolicyRevision.Contended();
    }
}
