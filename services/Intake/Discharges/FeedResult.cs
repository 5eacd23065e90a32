namespace PatientExperience.Intake.Discharges;

/// <summary>What one resource the EHR sent came to.</summary>
public enum FeedOutcome
{
    /// <summary>A discharge was recorded (or had been, for a redelivered Encounter) and PatientDischarged published once.</summary>
    Accepted,

    /// <summary>Understood and deliberately not recorded (not finished, not inpatient, unknown facility, not an Encounter).</summary>
    Ignored,

    /// <summary>Valid FHIR, but lacking what a discharge needs (facility, patient, MRN, discharge time).</summary>
    Invalid,

    /// <summary>The Encounter's facility is outside the caller's token.</summary>
    Forbidden,
}

/// <summary>
/// The answer for one resource: its outcome, a stable reason code (in <see cref="FeedReasons.System"/>) and a sentence that
/// never quotes the input (it may carry PHI).
/// </summary>
public sealed record FeedResult(FeedOutcome Outcome, string Reason, string Text, Guid? DischargeId = null)
{
    public static FeedResult Accepted(Guid dischargeId) =>
        new(FeedOutcome.Accepted, FeedReasons.Accepted, $"Recorded as discharge {dischargeId}; PatientDischarged is published once.", dischargeId);

    public static FeedResult Ignored(string reason, string text) => new(FeedOutcome.Ignored, reason, text);

    public static FeedResult Invalid(string reason, string text) => new(FeedOutcome.Invalid, reason, text);
}

/// <summary>The reason codes of the discharge feed's OperationOutcome issues (<c>issue.details.coding</c>), documented in docs/api.md.</summary>
public static class FeedReasons
{
    public const string System = "https://patient-experience.example/fhir/CodeSystem/discharge-feed";

    public const string Accepted = "accepted";
    public const string NotFinished = "not-finished";
    public const string NotInpatient = "not-inpatient";
    public const string UnknownFacility = "unknown-facility";
    public const string NotAnEncounter = "not-an-encounter";
    public const string PatientOfEncounter = "patient-of-encounter";
    public const string NoEncounterId = "no-encounter-id";
    public const string NoFacility = "no-facility";
    public const string NoDischargeTime = "no-discharge-time";
    public const string NoPatient = "no-patient";
    public const string NoPatientIdentifier = "no-patient-identifier";
    public const string FacilityNotInScope = "facility-not-in-scope";
    public const string InvalidResource = "invalid-resource";
    public const string TransactionRefused = "transaction-refused";
}
