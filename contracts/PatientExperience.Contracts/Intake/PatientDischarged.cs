namespace PatientExperience.Contracts.Intake;

/// <summary>
/// The EHR reported a finished inpatient encounter (FHIR R4 Encounter with status <c>finished</c> and class inpatient).
/// Published once per encounter however often the EHR sends it. Carries what survey eligibility and sampling need and
/// never the patient's name, identifiers or addresses: the survey service asks intake over gRPC for the contact when it
/// sends an invitation.
/// </summary>
public sealed record PatientDischarged
{
    /// <summary>Intake's id for this discharge: the key to ask intake for the patient's contact.</summary>
    public required Guid DischargeId { get; init; }

    /// <summary>The EHR's Encounter id (<c>Encounter.id</c>), unique per sending system.</summary>
    public required string EncounterId { get; init; }

    /// <summary>A pseudonymous, stable reference to the patient (keyed hash of the EHR's patient identifier), so that the
    /// survey service can apply its minimum interval between surveys without ever holding the identifier.</summary>
    public required string PatientReference { get; init; }

    /// <summary><c>Encounter.serviceProvider.identifier.value</c>.</summary>
    public required string FacilityId { get; init; }

    /// <summary>The department of <see cref="UnitId"/> in the organisation directory, when the unit is known there.</summary>
    public string? DepartmentId { get; init; }

    /// <summary><c>Encounter.location[0].location.identifier.value</c>.</summary>
    public string? UnitId { get; init; }

    /// <summary><c>Encounter.period.end</c>.</summary>
    public required DateTimeOffset DischargedAt { get; init; }

    /// <summary>
    /// <c>Encounter.hospitalization.dischargeDisposition</c> code from the HL7 discharge-disposition code system (home,
    /// alt-home, other-hcf, hosp (hospice), long, aadvice, exp (expired), psy, rehab, snf, oth), or null when not given.
    /// </summary>
    public string? Disposition { get; init; }

    /// <summary>Whether the patient died during the encounter (disposition <c>exp</c>, or <c>Patient.deceased</c> on or before discharge).</summary>
    public required bool Deceased { get; init; }

    /// <summary>Age at discharge as a band (under-18, 18-34, 35-49, 50-64, 65-79, 80-plus), never the birth date.</summary>
    public required string AgeBand { get; init; }

    /// <summary>The patient's preferred language (BCP-47, from <c>Patient.communication</c>), or null.</summary>
    public string? Language { get; init; }

    /// <summary>Which ways to reach the patient exist on file: email, sms, letter. Never the addresses themselves.</summary>
    public IReadOnlyList<string> ContactChannels { get; init; } = [];

    /// <summary>The patient asked not to be contacted or publicised (a no-publicity or do-not-contact flag from the EHR).</summary>
    public required bool NoPublicity { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
