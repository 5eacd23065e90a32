namespace PatientExperience.Intake.Feedback;

/// <summary>
/// What a patient, a family member or a member of staff tells us. Enumerations are plain strings so that a wrong value
/// gets a precise validation message instead of a generic parse failure.
/// </summary>
public sealed record SubmitFeedbackRequest
{
    public string? FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }

    /// <summary>web, phone, email, letter, kiosk or staff.</summary>
    public string? Channel { get; init; }

    /// <summary>complaint, grievance, compliment, suggestion or question; optional (the case service classifies).</summary>
    public string? Kind { get; init; }

    public string? Description { get; init; }
    public PatientDetails? Patient { get; init; }
    public SubmitterDetails? Submitter { get; init; }
    public bool ResponseRequested { get; init; }
}

public sealed record PatientDetails
{
    public string? Mrn { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    /// <summary>BCP 47 language tag, e.g. en, es, en-GB.</summary>
    public string? PreferredLanguage { get; init; }
}

public sealed record SubmitterDetails
{
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    /// <summary>self, family, friend, guardian, carer, staff or other.</summary>
    public string? Relationship { get; init; }
}

/// <summary>The answer to an accepted submission.</summary>
public sealed record SubmissionAccepted(Guid SubmissionId);

/// <summary>A submission as staff see it. Patient details and text are PHI: every read is audited.</summary>
public sealed record SubmissionView
{
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string Channel { get; init; }
    public string? Kind { get; init; }
    /// <summary>received, then case-opened.</summary>
    public required string Status { get; init; }
    public Guid? CaseId { get; init; }
    public required bool ResponseRequested { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public required string Description { get; init; }
    public PatientDetails? Patient { get; init; }
    public SubmitterDetails? Submitter { get; init; }
}
