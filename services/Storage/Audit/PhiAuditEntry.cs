using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientExperience.Storage.Audit;

/// <summary>Whether the access an audit entry records was granted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditOutcome>))]
public enum AuditOutcome
{
    [JsonStringEnumMemberName("allowed")] Allowed,
    [JsonStringEnumMemberName("denied")] Denied,
}

/// <summary>
/// One access to protected health information, allowed or denied: who (person id and roles, never a name), what
/// (<see cref="Action"/>), which record (<see cref="SubjectKind"/> and <see cref="SubjectId"/>), which facility, when, from where
/// (client address and correlation id). Entries form a hash chain: <see cref="Hash"/> covers every field and the
/// <see cref="PreviousHash"/>, so changing or removing a stored entry breaks the chain at that entry.
/// </summary>
public sealed record PhiAuditEntry
{
    /// <summary>Position in the service's chain, from 1, without gaps.</summary>
    public required long Sequence { get; init; }
    public required Guid Id { get; init; }
    /// <summary>Whole milliseconds, so that every store gives back exactly what was hashed.</summary>
    public required DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required string Action { get; init; }
    public required AuditOutcome Outcome { get; init; }
    /// <summary>What kind of record was reached: <c>submission</c>, <c>discharge</c>, <c>case</c>, <c>survey-response</c>.</summary>
    public required string SubjectKind { get; init; }
    public required Guid SubjectId { get; init; }
    public required string FacilityId { get; init; }
    public string? ClientAddress { get; init; }
    public string? CorrelationId { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
}

/// <summary>The hash chain's one rule: how an entry's hash is computed from its fields and its predecessor's hash.</summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SHA-256 (lower-case hex) of the entry's fields in a fixed order, <see cref="PhiAuditEntry.Hash"/> excluded.</summary>
    public static string HashOf(PhiAuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        // A JSON array of the fields in a fixed order: unambiguous (every string is quoted and escaped) and independent
        // of how a store lays the document out.
        object?[] fields =
        [
            e.Sequence, e.PreviousHash, e.Id.ToString("D"), e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            e.Actor, e.Roles, e.Action, e.Outcome == AuditOutcome.Allowed ? "allowed" : "denied", e.SubjectKind, e.SubjectId.ToString("D"),
            e.FacilityId, e.ClientAddress, e.CorrelationId,
        ];
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(fields))));
    }
}

/// <summary>The answer of a chain verification: valid, or the first entry where it breaks and why.</summary>
public sealed record AuditVerification(bool Valid, long Entries, long? HeadSequence, string? HeadHash, long? BrokenAt, string? Reason);
