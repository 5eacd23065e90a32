using System.Globalization;
using System.Text;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.ServiceDefaults.Text;

namespace PatientExperience.Case.Complainants;

/// <summary>One secure message as stored: its text encrypted with the PHI key; staff authors are kept for staff, never shown to the complainant.</summary>
public sealed record SecureMessage(Guid Id, DateTimeOffset At, SecureMessageSender From, string? StaffId, string ProtectedText, string? IdempotencyKey = null);

/// <summary>
/// A complainant's access to their case: the status page token (its hash, and the token itself encrypted), whether staff
/// revoked it, and the secure messages exchanged. One per case (id: the case id); the case number, submission and facility
/// are copied from the case when it opened.
/// </summary>
public sealed record ComplainantThread
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public required string TokenHash { get; init; }
    public required string ProtectedToken { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public IReadOnlyList<SecureMessage> Messages { get; init; } = [];
    /// <summary>Earlier links, revoked and then replaced by a reissue (oldest first): their hashes stay revoked for good.</summary>
    public IReadOnlyList<ReplacedStatusLink> ReplacedLinks { get; init; } = [];

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>What the thread's token and messages are bound to: they decrypt on this case's thread only.</summary>
    public static PhiRecord RecordOf(Guid caseId) => new("complainant-thread", caseId);

    public PhiRecord Record => RecordOf(CaseId);

    /// <summary>The thread with <paramref name="message"/> added.</summary>
    public ComplainantThread With(SecureMessage message) => this with { Messages = [.. Messages, message] };

    public ComplainantThread Revoke(string by, DateTimeOffset at) => IsRevoked ? this : this with { RevokedAt = at, RevokedBy = by };

    /// <summary>
    /// A new link in place of a revoked one: the new token's hash and encrypted token, the revoked link kept in
    /// <see cref="ReplacedLinks"/>. Null while the current link works (revoke it first: only one link works at a time).
    /// </summary>
    public ComplainantThread? Reissue(string tokenHash, string protectedToken, string by, DateTimeOffset at) =>
        !IsRevoked ? null : this with
        {
            ReplacedLinks = [.. ReplacedLinks, new ReplacedStatusLink(TokenHash, IssuedAt, RevokedAt!.Value, RevokedBy, at, by)],
            TokenHash = tokenHash, ProtectedToken = protectedToken, IssuedAt = at, RevokedAt = null, RevokedBy = null,
        };
}

/// <summary>A status page link that was revoked and then replaced: its hash (never the token), when and by whom.</summary>
public sealed record ReplacedStatusLink(string TokenHash, DateTimeOffset IssuedAt, DateTimeOffset RevokedAt, string? RevokedBy, DateTimeOffset ReplacedAt, string ReplacedBy);

/// <summary>
/// What a secure message may say: 1 to the configured number of characters after trimming, no control characters but line
/// breaks and tabs, and no bidirectional formatting characters (they can make a message read differently from what it
/// holds). Line breaks are normalised to <c>\n</c>. The refusal never quotes the text.
/// </summary>
public static class SecureMessageText
{
    public static (string? Text, string? Problem) Check(string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, "Required: the message.");
        var normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
        if (normalised.Length > maxLength) return (null, $"At most {maxLength} characters.");
        // The platform's rule for free text first (control characters, direction overrides and isolates, broken surrogates);
        // a message to or from a complainant is stricter still: no invisible formatting at all (zero-width spaces, direction
        // marks), since nothing else in it needs them and they can hide what it says.
        if (FreeText.Problem(normalised) is { } problem) return (null, problem);
        foreach (var rune in normalised.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format && rune.Value is not (0x200D or 0x00AD))
                return (null, "Must not contain invisible formatting characters (such as bidirectional overrides).");
        }

        return (normalised, null);
    }
}

/// <summary>The case's stage in the complainant's words (<see cref="ComplainantStage"/>).</summary>
public static class ComplainantStages
{
    public static ComplainantStage For(CaseStatus status) => status switch
    {
        CaseStatus.New => ComplainantStage.Received,
        CaseStatus.Acknowledged or CaseStatus.Investigating or CaseStatus.Reopened => ComplainantStage.BeingLookedInto,
        CaseStatus.ResponseSent => ComplainantStage.ResponseSent,
        CaseStatus.Resolved => ComplainantStage.Resolved,
        CaseStatus.Closed => ComplainantStage.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
