using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Survey;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Policy;
using PatientExperience.Survey.Responding;

namespace PatientExperience.Survey.Invitations;

[JsonConverter(typeof(JsonStringEnumConverter<InvitationStatus>))]
public enum InvitationStatus
{
    /// <summary>No survey for this discharge; <see cref="SurveyInvitation.IneligibleReason"/> says why.</summary>
    [JsonStringEnumMemberName("ineligible")] Ineligible,

    /// <summary>Planned: the invitation falls due after the policy's delay.</summary>
    [JsonStringEnumMemberName("scheduled")] Scheduled,

    /// <summary>The invitation went out; reminders follow until the patient answers or the window ends.</summary>
    [JsonStringEnumMemberName("invited")] Invited,

    [JsonStringEnumMemberName("responded")] Responded,
}

/// <summary>The invitation (number 0) or a reminder (1, 2, ...), when it falls due and when it went out.</summary>
public sealed record InvitationStep(int Number, DateTimeOffset DueAt, DateTimeOffset? SentAt = null);

/// <summary>What a due step came to: a message to send (with the invitation as it is after), or why nothing is sent.</summary>
public sealed record StepOutcome(SurveyInvitation? Invitation, IReadOnlyList<object> Messages, string? Skipped)
{
    public static StepOutcome Skip(string reason) => new(null, [], reason);
}

/// <summary>
/// One discharge's survey, from the decision to survey it (or not, with the reason) through the invitation, its reminders,
/// and the patient's answer. One per discharge (its id is the discharge id): a redelivered PatientDischarged finds it.
/// Holds ids, codes and scores; the token only hashed and encrypted, free text only encrypted.
/// </summary>
public sealed partial record SurveyInvitation
{
    public required Guid Id { get; init; }
    public required Guid DischargeId { get; init; }
    public required string EncounterId { get; init; }
    public required string PatientReference { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string AgeBand { get; init; }
    /// <summary><c>en</c> or <c>es</c>: the survey's language, from the patient's preferred language.</summary>
    public required string Language { get; init; }
    public required DateTimeOffset DischargedAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required InvitationStatus Status { get; init; }
    public string? IneligibleReason { get; init; }
    public required int PolicyVersion { get; init; }
    public string? SurveyId { get; init; }
    public int SurveyVersion { get; init; }
    /// <summary>The policy's critical items when the invitation was planned: a bottom-box answer on one asks for service recovery.</summary>
    public IReadOnlyList<string> CriticalItems { get; init; } = [];
    /// <summary>SHA-256 of the token (<see cref="SurveyToken.Hash"/>): how a link finds its invitation.</summary>
    public string? TokenHash { get; init; }
    /// <summary>The token encrypted with the PHI key, so reminders carry the same link.</summary>
    public string? ProtectedToken { get; init; }
    public IReadOnlyList<InvitationStep> Steps { get; init; } = [];
    /// <summary>When the invitation went out (step 0).</summary>
    public DateTimeOffset? IssuedAt { get; init; }
    /// <summary>The end of the response window: the link stops working.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public SurveyResponse? Response { get; init; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } end && now >= end;

    /// <summary>A discharge that gets no survey, recorded with its reason.</summary>
    public static SurveyInvitation Ineligible(PatientDischarged discharge, SurveyPolicy policy, string reason, DateTimeOffset now) =>
        From(discharge, policy, now) with { Status = InvitationStatus.Ineligible, IneligibleReason = reason };

    /// <summary>
    /// Plans an eligible discharge's survey: the invitation at discharge + the policy's delay (at once if that has passed),
    /// each reminder after the invitation, the link valid until the invitation + the response window.
    /// </summary>
    public static SurveyInvitation Plan(PatientDischarged discharge, SurveyPolicy policy, SurveyDefinition survey, string protectedToken, string tokenHash, DateTimeOffset now)
    {
        var inviteAt = Max(discharge.DischargedAt + policy.InvitationDelay, now);
        var expiresAt = inviteAt + policy.ResponseWindow;
        var steps = new List<InvitationStep> { new(0, inviteAt) };
        steps.AddRange(policy.Reminders.Select((r, i) => new InvitationStep(i + 1, inviteAt + r)).Where(s => s.DueAt < expiresAt));
        return From(discharge, policy, now) with
        {
            Status = InvitationStatus.Scheduled, SurveyId = survey.Id, SurveyVersion = survey.Version, CriticalItems = policy.CriticalItems,
            TokenHash = tokenHash, ProtectedToken = protectedToken, Steps = steps, ExpiresAt = expiresAt,
        };
    }

    /// <summary>
    /// A step fell due: the invitation or a reminder goes out, unless the patient has answered, the window has ended, or the
    /// step went out already (a repeated timer). The invitation also announces <see cref="SurveyInvitationIssued"/>.
    /// </summary>
    /// <param name="link">The link with the clear token, built only when something is sent.</param>
    public StepOutcome StepDue(int number, DateTimeOffset now, Func<string> link)
    {
        if (Status is InvitationStatus.Ineligible) return StepOutcome.Skip("ineligible");
        if (Status is InvitationStatus.Responded || Response is not null) return StepOutcome.Skip("responded");
        var step = Steps.FirstOrDefault(s => s.Number == number);
        if (step is null) return StepOutcome.Skip("unknown-step");
        if (step.SentAt is not null) return StepOutcome.Skip("sent-already");
        if (IsExpired(now)) return StepOutcome.Skip("expired");

        var sentAt = now;
        var after = this with
        {
            Status = InvitationStatus.Invited,
            IssuedAt = IssuedAt ?? sentAt,
            Steps = Steps.Select(s => s.Number == number ? s with { SentAt = sentAt } : s).ToList(),
        };
        var messages = new List<object>
        {
            new SendSurveyInvitation
            {
                MessageId = MessageIdFor(number), InvitationId = Id, DischargeId = DischargeId, FacilityId = FacilityId, Language = Language,
                Reminder = number, Link = link(), ExpiresAt = ExpiresAt!.Value, RequestedAt = sentAt,
            },
        };
        if (IssuedAt is null)
        {
            messages.Add(new SurveyInvitationIssued
            {
                InvitationId = Id, DischargeId = DischargeId, FacilityId = FacilityId, DepartmentId = DepartmentId, UnitId = UnitId,
                SurveyId = SurveyId!, SurveyVersion = SurveyVersion, Language = Language, PolicyVersion = PolicyVersion,
                IssuedAt = after.IssuedAt!.Value, ExpiresAt = ExpiresAt!.Value,
            });
        }

        return new StepOutcome(after, messages, null);
    }

    /// <summary>The id of step <paramref name="number"/>'s message, the same however often it is built (the notification service's idempotency key).</summary>
    public Guid MessageIdFor(int number) => Deterministic($"{Id:N}/send/{number}");

    /// <summary>The scheduling token of a step's timer: scheduling it again replaces it rather than adding another.</summary>
    public Guid TimerTokenFor(int number) => Deterministic($"{Id:N}/timer/{number}");

    /// <summary>The invitation of a discharge (one per discharge: the id follows from the discharge's).</summary>
    public static Guid IdFor(Guid dischargeId) => Deterministic($"{dischargeId:N}/invitation");

    /// <summary>What an invitation's token and its response's comments are bound to: they decrypt on this invitation only.</summary>
    public static PhiRecord RecordOf(Guid id) => new("survey-invitation", id);

    public PhiRecord Record => RecordOf(Id);

    private static SurveyInvitation From(PatientDischarged d, SurveyPolicy policy, DateTimeOffset now) => new()
    {
        Id = IdFor(d.DischargeId), DischargeId = d.DischargeId, EncounterId = d.EncounterId, PatientReference = d.PatientReference,
        FacilityId = d.FacilityId, DepartmentId = d.DepartmentId, UnitId = d.UnitId, AgeBand = d.AgeBand ?? "",
        Language = LocalizedText.SurveyLanguage(d.Language), DischargedAt = d.DischargedAt, ReceivedAt = now,
        Status = InvitationStatus.Scheduled, PolicyVersion = policy.Version,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    internal static Guid Deterministic(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return new Guid(hash[..16]);
    }
}
