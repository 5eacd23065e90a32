namespace PatientExperience.Notification.Templates;

/// <summary>
/// Everything a staff email or inbox entry may say: ids, the case number, the names of places, the escalation level, severity,
/// deadlines, the link to the case and (for SendNotification) the sender's title and message. There is no field for anything
/// about the patient: staff messages carry no PHI by construction. Stored with each delivery, so a retry or a fallback
/// channel renders the same facts; the sender's title and message (staff free text) are stored encrypted apart from it
/// (<see cref="Deliveries.StaffText"/>).
/// </summary>
public sealed record StaffMessageModel
{
    public required string Event { get; init; }
    public Guid? CaseId { get; init; }
    public string? CaseNumber { get; init; }
    public required string FacilityId { get; init; }
    public required string Facility { get; init; }
    public string? Department { get; init; }
    public string? Unit { get; init; }
    public required string Severity { get; init; }
    /// <summary>The escalation level the message is about (unit, department, executive).</summary>
    public string? Level { get; init; }
    public string? FromLevel { get; init; }
    /// <summary>Fixed vocabulary from the event: opened, deadline-missed, critical-severity, manual, reopened.</summary>
    public string? Reason { get; init; }
    /// <summary>acknowledge, interim-notice or response.</summary>
    public string? Deadline { get; init; }
    /// <summary>A time in the facility's zone, already formatted (e.g. <c>2026-11-27 14:05 America/New_York</c>).</summary>
    public string? When { get; init; }
    /// <summary>The member of staff being told (staff directory data, not PHI).</summary>
    public required string RecipientName { get; init; }
    public string? Link { get; init; }
    /// <summary>SendNotification only: email and inbox, never SMS or pager.</summary>
    public string? Title { get; init; }
    public string? Message { get; init; }

    /// <summary>The only fields SMS and pager templates ever see.</summary>
    public ShortTextModel ToShortText() => new()
    {
        CaseId = CaseId, CaseNumber = CaseNumber, FacilityId = FacilityId, Facility = Facility, Level = Level, Severity = Severity, Link = Link,
    };

    public IReadOnlyDictionary<string, object?> ToView() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["event"] = Event, ["caseId"] = CaseId?.ToString(), ["caseNumber"] = CaseNumber, ["facilityId"] = FacilityId, ["facility"] = Facility,
        ["department"] = Department, ["unit"] = Unit, ["severity"] = Severity, ["level"] = Level, ["fromLevel"] = FromLevel,
        ["reason"] = Reason, ["deadline"] = Deadline, ["when"] = When, ["recipientName"] = RecipientName, ["link"] = Link,
        ["title"] = Title, ["message"] = Message,
        ["critical"] = Severity == "critical", ["high"] = Severity is "high" or "critical",
    };
}

/// <summary>What SMS and pager text is rendered from: ids, case number, level, severity and facility. Nothing else exists here.</summary>
public sealed record ShortTextModel
{
    public Guid? CaseId { get; init; }
    public string? CaseNumber { get; init; }
    public required string FacilityId { get; init; }
    public required string Facility { get; init; }
    public string? Level { get; init; }
    public required string Severity { get; init; }
    public string? Link { get; init; }

    public IReadOnlyDictionary<string, object?> ToView() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["caseId"] = CaseId?.ToString(), ["caseNumber"] = CaseNumber, ["facilityId"] = FacilityId, ["facility"] = Facility,
        ["level"] = Level, ["severity"] = Severity, ["link"] = Link,
    };
}

/// <summary>
/// A message to a patient: their name (for the greeting in an email only), the case number, the facility, the kind of letter
/// and a date; or, for a survey invitation or reminder, the facility and the survey link only. PHI (and the link a bearer
/// secret): stored encrypted with the delivery, never logged.
/// </summary>
public sealed record PatientMessageModel
{
    public required string Event { get; init; }
    public string? PatientName { get; init; }
    /// <summary>Case messages; empty for survey invitations.</summary>
    public string CaseNumber { get; init; } = "";
    public required string Facility { get; init; }
    /// <summary>interim or final (response letters).</summary>
    public string? LetterKind { get; init; }
    public string? When { get; init; }
    /// <summary>Survey invitations and reminders: <c>{Survey:PublicBaseUrl}/surveys/{token}</c>, the single-use link.</summary>
    public string? SurveyLink { get; init; }
    /// <summary>Survey messages: 0 for the invitation, 1, 2, ... for reminders.</summary>
    public int Reminder { get; init; }
    /// <summary>Case acknowledgements and staff replies: <c>{Complainants:PublicBaseUrl}/status/{token}</c>, the complainant's status page.</summary>
    public string? StatusLink { get; init; }
    /// <summary>Outreach invitations: <c>{Survey:PublicBaseUrl}/outreach/rsvp/{token}</c>, the single-use RSVP link.</summary>
    public string? RsvpLink { get; init; }
    /// <summary>Outreach messages: what the focus group or community event is about, as staff named it.</summary>
    public string? Topic { get; init; }
    /// <summary>Outreach messages: where it is held.</summary>
    public string? Location { get; init; }
    /// <summary>Outreach messages: true for a focus group, false for a community event.</summary>
    public bool FocusGroup { get; init; }

    /// <summary>
    /// Patient SMS: the case number and facility only (a text message can be read by anyone holding the phone); for a survey,
    /// the facility and the survey link (the one thing the message is for); for a case, its status page link too; for an
    /// outreach event, its time and the RSVP link (never its topic or place).
    /// </summary>
    public IReadOnlyDictionary<string, object?> ToShortView() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["caseNumber"] = CaseNumber, ["facility"] = Facility, ["final"] = LetterKind == "final", ["surveyLink"] = SurveyLink, ["statusLink"] = StatusLink,
        ["rsvpLink"] = RsvpLink, ["when"] = Topic is null ? null : When, ["focusGroup"] = FocusGroup,
    };

    public IReadOnlyDictionary<string, object?> ToView() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["patientName"] = PatientName, ["caseNumber"] = CaseNumber, ["facility"] = Facility, ["letterKind"] = LetterKind,
        ["final"] = LetterKind == "final", ["when"] = When, ["surveyLink"] = SurveyLink, ["reminder"] = Reminder, ["statusLink"] = StatusLink,
        ["rsvpLink"] = RsvpLink, ["topic"] = Topic, ["location"] = Location, ["focusGroup"] = FocusGroup,
    };
}
