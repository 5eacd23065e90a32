using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Cases;

/// <summary>What advocacy adds to a case: the patient's language and pseudonymous reference, and assignment by matching.</summary>
public sealed partial class CaseFile
{
    /// <summary>The patient's preferred language (BCP-47), when they gave one: advocates are matched on it.</summary>
    public string? PreferredLanguage { get; init; }

    /// <summary>Intake's keyed hash of the patient's MRN (never the MRN): the same patient's cases share it.</summary>
    public string? PatientReference { get; init; }

    /// <summary>
    /// Gives the case to the advocate matching chose (<see cref="Advocacy.AdvocateMatcher"/>), recording the reason in the timeline.
    /// <paramref name="actor"/> is <c>system</c> for automatic assignment at opening, else the member of staff who asked.
    /// </summary>
    public CaseActionResult AssignMatchedAdvocate(string actor, string advocateId, string reason, IReadOnlyList<StaffRecipient> recipients, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case cannot be assigned; reopen it first.");
        Record(now, actor, "advocate-matched", $"{advocateId}: {reason}");
        return Assign(actor, advocateId, null, recipients, now);
    }
}
