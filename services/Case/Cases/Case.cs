using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;

namespace PatientExperience.Case.Cases;

/// <summary>
/// A concern run to resolution. Opened once per submission; classification, escalation and the rest of the lifecycle
/// build on it. Holds no PHI: the story stays in intake and is read from there when needed.
/// </summary>
public sealed class Case
{
    public required Guid Id { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string Channel { get; init; }
    public string? Kind { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public List<CaseHistoryEntry> History { get; init; } = [];

    public const string New = "new";

    [System.Text.Json.Serialization.JsonConstructor]
    private Case() { }

    /// <summary>Opens the case for a submission, recording it in the history. The case number carries the facility's local date.</summary>
    public static Case Open(FeedbackSubmitted submitted, DateTimeOffset now, TimeZoneInfo facilityTimeZone)
    {
        var id = Guid.CreateVersion7(now);
        return new Case
        {
            Id = id,
            CaseNumber = NumberFor(id, TimeZoneInfo.ConvertTime(now, facilityTimeZone)),
            SubmissionId = submitted.SubmissionId,
            FacilityId = submitted.FacilityId,
            DepartmentId = submitted.DepartmentId,
            UnitId = submitted.UnitId,
            Channel = submitted.Channel,
            Kind = submitted.Kind,
            Status = New,
            OpenedAt = now,
            SubmittedAt = submitted.SubmittedAt,
            History = [new CaseHistoryEntry(now, "system", "opened", $"Opened from a {submitted.Channel} submission")],
        };
    }

    public CaseOpened ToOpenedEvent() => new()
    {
        CaseId = Id,
        CaseNumber = CaseNumber,
        SubmissionId = SubmissionId,
        FacilityId = FacilityId,
        DepartmentId = DepartmentId,
        UnitId = UnitId,
        Channel = Channel,
        Kind = Kind,
        Status = Status,
        OpenedAt = OpenedAt,
    };

    /// <summary>
    /// A reference staff can read out on the phone: the local date opened and 8 hex digits of the case id's random tail
    /// (32 bits a day). The store keeps case numbers unique; on the rare collision the case is opened again with a new id.
    /// </summary>
    private static string NumberFor(Guid id, DateTimeOffset localNow) =>
        $"PX-{localNow:yyMMdd}-{id.ToString("N")[^8..].ToUpperInvariant()}";
}

/// <summary>One line of the case's timeline: when, who, what.</summary>
public sealed record CaseHistoryEntry(DateTimeOffset At, string Actor, string Action, string? Detail);
