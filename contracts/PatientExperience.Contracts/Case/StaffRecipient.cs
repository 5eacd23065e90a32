namespace PatientExperience.Contracts.Case;

/// <summary>A member of staff to be told about a case: who they are and how to reach them (staff contact details, not PHI).</summary>
public sealed record StaffRecipient
{
    public required string PersonId { get; init; }
    public required string Name { get; init; }
    /// <summary>The role they hold for this case: unit-manager, department-head, executive, compliance, advocate...</summary>
    public required string Role { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Pager { get; init; }
    /// <summary>IANA time zone of the person, for quiet hours.</summary>
    public string? TimeZone { get; init; }
}
