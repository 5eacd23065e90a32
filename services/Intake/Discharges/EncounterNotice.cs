using System.Globalization;
using Hl7.Fhir.Model;

namespace PatientExperience.Intake.Discharges;

/// <summary>The facts of a discharge: what PatientDischarged carries, and no patient identity.</summary>
public sealed record DischargeFacts
{
    public required string EncounterId { get; init; }
    public required string PatientReference { get; init; }
    public required string FacilityId { get; init; }
    public string? UnitId { get; init; }
    public required DateTimeOffset DischargedAt { get; init; }
    public string? Disposition { get; init; }
    public required bool Deceased { get; init; }
    public required string AgeBand { get; init; }
    public string? Language { get; init; }
    public required IReadOnlyList<string> ContactChannels { get; init; }
    public required bool NoPublicity { get; init; }
}

/// <summary>How to reach the patient: protected health information, only ever stored encrypted.</summary>
public sealed record DischargeContactDetails(
    string Mrn, string? Name, string? Email, string? Phone, bool PhoneIsMobile, string? PostalAddress, string? PreferredLanguage);

/// <summary>An Encounter read as a discharge: either its facts and the patient's contact, or why it is not one.</summary>
public sealed record EncounterReading(DischargeFacts? Facts, DischargeContactDetails? Contact, FeedResult? Refusal)
{
    public static EncounterReading Refused(FeedResult refusal) => new(null, null, refusal);
}

/// <summary>
/// Reads an EHR's FHIR R4 Encounter (with its Patient) as a discharge notice. The mapping, documented in docs/api.md:
/// facility = <c>Encounter.serviceProvider.identifier.value</c>; unit = <c>Encounter.location[0].location.identifier.value</c>;
/// discharge time = <c>Encounter.period.end</c>; disposition = <c>Encounter.hospitalization.dischargeDisposition</c> code;
/// inpatient = <c>Encounter.class</c> code IMP, ACUTE or NONAC; language = <c>Patient.communication</c> (preferred first);
/// age band from <c>Patient.birthDate</c> at discharge; channels from <c>Patient.telecom</c> and <c>Patient.address</c>;
/// no-publicity from <see cref="NoPublicityExtension"/> or a restricted confidentiality label in <c>Patient.meta.security</c>;
/// deceased from disposition <c>exp</c> or <c>Patient.deceased[x]</c>; patient reference from the MRN identifier.
/// </summary>
public static class EncounterNotice
{
    /// <summary>Our extension on Patient: <c>valueBoolean</c> true when the patient asked not to be contacted or publicised.</summary>
    public const string NoPublicityExtension = "https://patient-experience.example/fhir/StructureDefinition/no-publicity";

    /// <summary>HL7 v3 Confidentiality: R (restricted) and V (very restricted) are treated as no-publicity too.</summary>
    public const string ConfidentialitySystem = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

    /// <summary>HL7 v2 table 0203 identifier type: MR is the medical record number.</summary>
    public const string IdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";

    public static readonly IReadOnlySet<string> InpatientClasses = new HashSet<string>(StringComparer.Ordinal) { "IMP", "ACUTE", "NONAC" };

    /// <param name="patient">The Encounter's subject, already resolved (contained or from the Bundle), or null if it could not be.</param>
    public static EncounterReading Read(Encounter encounter, Patient? patient, PatientReferences references)
    {
        if (string.IsNullOrWhiteSpace(encounter.Id))
            return EncounterReading.Refused(FeedResult.Invalid(FeedReasons.NoEncounterId, "The Encounter has no id: redelivery could not be recognised."));
        if (encounter.Status != Encounter.EncounterStatus.Finished)
            return EncounterReading.Refused(FeedResult.Ignored(FeedReasons.NotFinished, "Ignored: the Encounter is not finished (Encounter.status), so it is not a discharge."));
        if (encounter.Class?.Code is not { } classCode || !InpatientClasses.Contains(classCode))
            return EncounterReading.Refused(FeedResult.Ignored(FeedReasons.NotInpatient, "Ignored: the Encounter is not inpatient (Encounter.class is not IMP, ACUTE or NONAC)."));

        var facilityId = encounter.ServiceProvider?.Identifier?.Value;
        if (string.IsNullOrWhiteSpace(facilityId))
            return EncounterReading.Refused(FeedResult.Invalid(FeedReasons.NoFacility, "Encounter.serviceProvider.identifier.value (the facility) is required."));
        if (DischargeTime(encounter) is not { } dischargedAt)
            return EncounterReading.Refused(FeedResult.Invalid(FeedReasons.NoDischargeTime, "Encounter.period.end (the discharge time, to the day at least) is required for a finished encounter."));
        if (patient is null)
            return EncounterReading.Refused(FeedResult.Invalid(FeedReasons.NoPatient, "The Encounter's subject must be a Patient contained in it or present in the Bundle."));
        if (MedicalRecordNumber(patient) is not { } mrn)
            return EncounterReading.Refused(FeedResult.Invalid(FeedReasons.NoPatientIdentifier, "Patient.identifier needs the medical record number: type MR (v2-0203), or a single identifier, with system and value."));

        var disposition = encounter.Hospitalization?.DischargeDisposition?.Coding.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Code))?.Code;
        var (email, phone, mobile) = Telecom(patient);
        var address = PostalAddress(patient);
        var language = PreferredLanguage(patient);
        var channels = new List<string>();
        if (email is not null) channels.Add("email");
        if (mobile) channels.Add("sms");
        if (address is not null) channels.Add("letter");

        var facts = new DischargeFacts
        {
            EncounterId = encounter.Id,
            PatientReference = references.For(mrn.System, mrn.Value),
            FacilityId = facilityId,
            UnitId = encounter.Location.FirstOrDefault()?.Location?.Identifier?.Value is { Length: > 0 } unit ? unit : null,
            DischargedAt = dischargedAt,
            Disposition = disposition,
            Deceased = disposition == "exp" || Died(patient),
            AgeBand = AgeBand(patient.BirthDate, dischargedAt),
            Language = language,
            ContactChannels = channels,
            NoPublicity = NoPublicity(patient),
        };
        var contact = new DischargeContactDetails(mrn.System + "|" + mrn.Value, Name(patient), email, phone, mobile, address, language);
        return new EncounterReading(facts, contact, null);
    }

    private static DateTimeOffset? DischargeTime(Encounter encounter)
    {
        var end = encounter.Period?.EndElement;
        if (end?.Value is not { Length: >= 10 }) return null; // to the day at least
        // A time without an offset is taken as UTC: EHR feeds send offsets in practice; docs/api.md says so.
        return end.TryToDateTimeOffset(TimeSpan.Zero, out var at) ? at : null;
    }

    private static (string System, string Value)? MedicalRecordNumber(Patient patient)
    {
        var usable = patient.Identifier.Where(i => !string.IsNullOrWhiteSpace(i.System) && !string.IsNullOrWhiteSpace(i.Value)).ToList();
        var mr = usable.FirstOrDefault(i => i.Type?.Coding.Any(c => c.Code == "MR" && (c.System is null || c.System == IdentifierTypeSystem)) == true)
            ?? (usable.Count == 1 ? usable[0] : null);
        return mr is null ? null : (mr.System!, mr.Value!);
    }

    private static (string? Email, string? Phone, bool Mobile) Telecom(Patient patient)
    {
        var current = patient.Telecom.Where(t => !string.IsNullOrWhiteSpace(t.Value) && t.Use != ContactPoint.ContactPointUse.Old).OrderBy(t => t.Rank ?? int.MaxValue).ToList();
        var email = current.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Email)?.Value;
        var mobile = current.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Sms
            || (t.System == ContactPoint.ContactPointSystem.Phone && t.Use == ContactPoint.ContactPointUse.Mobile));
        var phone = mobile ?? current.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Phone);
        return (email, phone?.Value, mobile is not null);
    }

    private static string? PostalAddress(Patient patient)
    {
        var address = patient.Address.FirstOrDefault(a => a.Use != Address.AddressUse.Old && (a.Line.Any(l => !string.IsNullOrWhiteSpace(l)) || !string.IsNullOrWhiteSpace(a.Text)));
        if (address is null) return null;
        if (!string.IsNullOrWhiteSpace(address.Text)) return address.Text;
        return string.Join(", ", address.Line.Concat([address.City, address.State, address.PostalCode, address.Country]).Where(p => !string.IsNullOrWhiteSpace(p)));
    }

    private static string? PreferredLanguage(Patient patient)
    {
        var communication = patient.Communication.FirstOrDefault(c => c.Preferred == true) ?? patient.Communication.FirstOrDefault();
        return communication?.Language?.Coding.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Code))?.Code;
    }

    private static string? Name(Patient patient)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault(n => n.Use != HumanName.NameUse.Old);
        if (name is null) return null;
        if (!string.IsNullOrWhiteSpace(name.Text)) return name.Text;
        var parts = name.Given.Append(name.Family).Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    /// <summary>A death the EHR records at any time counts, even one after discharge: no survey goes to a patient known to have died.</summary>
    private static bool Died(Patient patient) => patient.Deceased switch
    {
        FhirBoolean b => b.Value == true,
        FhirDateTime d => !string.IsNullOrEmpty(d.Value),
        _ => false,
    };

    private static bool NoPublicity(Patient patient) =>
        patient.Extension.Any(e => e.Url == NoPublicityExtension && e.Value is FhirBoolean { Value: true })
        || patient.Meta?.Security.Any(s => s.System == ConfidentialitySystem && s.Code is "R" or "V") == true;

    /// <summary>
    /// The patient's age on the day of discharge as a band. A partial birth date (year, or year and month) is taken at its
    /// latest possible day, so a patient is never put in an older band than they may be. No birth date: "unknown".
    /// </summary>
    public static string AgeBand(string? birthDate, DateTimeOffset dischargedAt)
    {
        if (LatestBirthDay(birthDate) is not { } born) return "unknown";
        var on = DateOnly.FromDateTime(dischargedAt.UtcDateTime);
        var age = on.Year - born.Year - (on < born.AddYears(on.Year - born.Year) ? 1 : 0);
        return age switch
        {
            < 18 => "under-18",
            < 35 => "18-34",
            < 50 => "35-49",
            < 65 => "50-64",
            < 80 => "65-79",
            _ => "80-plus",
        };
    }

    private static DateOnly? LatestBirthDay(string? birthDate)
    {
        var parts = birthDate?.Split('-') ?? [];
        if (parts.Length is 0 or > 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1 or > 9999) return null;
        var month = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 12 ? m : 12;
        var day = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d >= 1 && d <= DateTime.DaysInMonth(year, month) ? d : DateTime.DaysInMonth(year, month);
        return new DateOnly(year, month, day);
    }
}
