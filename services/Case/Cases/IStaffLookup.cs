using PatientExperience.Contracts.Case;

namespace PatientExperience.Case.Cases;

/// <summary>Finds a member of staff of a facility in the organisation directory, to tell them about a case assigned to them.</summary>
public interface IStaffLookup
{
    Task<StaffRecipient?> FindAsync(string facilityId, string personId, CancellationToken ct);
}
