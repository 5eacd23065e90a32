using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientExperience.Intake.Discharges;

namespace PatientExperience.Intake.Tests.Discharges;

/// <summary>How an EHR's Encounter and Patient read as a discharge (the mapping docs/api.md documents).</summary>
public sealed class EncounterNoticeTests
{
    private static readonly PatientReferences References = new(Options.Create(new IntakeOptions { PatientReferenceKey = IntakeApp.PatientReferenceKey }));

    private static EncounterReading Read(Encounter encounter, Patient? patient = null) => EncounterNotice.Read(encounter, patient ?? FhirSamples.Patient(), References);

    [Fact]
    public void A_finished_inpatient_encounter_maps_to_the_discharge_facts_without_identity()
    {
        var reading = Read(FhirSamples.Encounter("enc-1"));

        Assert.Null(reading.Refusal);
        var facts = reading.Facts!;
        Assert.Equal("enc-1", facts.EncounterId);
        Assert.Equal("riverside-general", facts.FacilityId);
        Assert.Equal("4-west", facts.UnitId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), facts.DischargedAt);
        Assert.Equal("home", facts.Disposition);
        Assert.False(facts.Deceased);
        Assert.Equal("65-79", facts.AgeBand);
        Assert.Equal("es", facts.Language);
        Assert.Equal(["email", "sms", "letter"], facts.ContactChannels);
        Assert.False(facts.NoPublicity);
        Assert.Equal(64, facts.PatientReference.Length);
        Assert.DoesNotContain(FhirSamples.Mrn, facts.PatientReference, StringComparison.Ordinal);
    }

    [Fact]
    public void The_contact_keeps_the_name_email_mobile_address_language_and_MRN_for_encrypted_storage()
    {
        var contact = Read(FhirSamples.Encounter()).Contact!;

        Assert.Equal($"{FhirSamples.Given} {FhirSamples.Family}", contact.Name);
        Assert.Equal(FhirSamples.Email, contact.Email);
        Assert.Equal(FhirSamples.Mobile, contact.Phone);
        Assert.True(contact.PhoneIsMobile);
        Assert.StartsWith(FhirSamples.Street, contact.PostalAddress);
        Assert.Equal("es", contact.PreferredLanguage);
        Assert.Equal($"{FhirSamples.MrnSystem}|{FhirSamples.Mrn}", contact.Mrn);
    }

    [Fact]
    public void The_patient_reference_is_a_keyed_hash_of_the_MRN_stable_per_patient_and_different_per_key()
    {
        var again = Read(FhirSamples.Encounter("enc-other")).Facts!.PatientReference;
        var other = Read(FhirSamples.Encounter(), WithMrn("MRN-SOMEONE-ELSE")).Facts!.PatientReference;
        var otherKey = EncounterNotice.Read(FhirSamples.Encounter(), FhirSamples.Patient(),
            new PatientReferences(Options.Create(new IntakeOptions { PatientReferenceKey = Convert.ToBase64String(new byte[32]) }))).Facts!.PatientReference;

        var reference = Read(FhirSamples.Encounter()).Facts!.PatientReference;
        Assert.Equal(reference, again);
        Assert.NotEqual(reference, other);
        Assert.NotEqual(reference, otherKey);
    }

    [Theory]
    [InlineData(Encounter.EncounterStatus.InProgress)]
    [InlineData(Encounter.EncounterStatus.Planned)]
    [InlineData(Encounter.EncounterStatus.Cancelled)]
    public void An_encounter_that_is_not_finished_is_ignored(Encounter.EncounterStatus status)
    {
        var encounter = FhirSamples.Encounter();
        encounter.Status = status;

        Assert.Equal((FeedOutcome.Ignored, FeedReasons.NotFinished), Outcome(Read(encounter)));
    }

    [Theory]
    [InlineData("AMB", false)]
    [InlineData("EMER", false)]
    [InlineData("HH", false)]
    [InlineData("IMP", true)]
    [InlineData("ACUTE", true)]
    [InlineData("NONAC", true)]
    public void Only_inpatient_classes_are_discharges(string code, bool inpatient)
    {
        var encounter = FhirSamples.Encounter();
        encounter.Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", code);

        var reading = Read(encounter);

        if (inpatient) Assert.Null(reading.Refusal);
        else Assert.Equal((FeedOutcome.Ignored, FeedReasons.NotInpatient), Outcome(reading));
    }

    [Fact]
    public void What_a_discharge_needs_is_required_facility_discharge_time_patient_and_MRN()
    {
        var noFacility = FhirSamples.Encounter();
        noFacility.ServiceProvider = new ResourceReference("Organization/riverside");
        var noEnd = FhirSamples.Encounter();
        noEnd.Period = new Period { Start = "2026-11-25T08:00:00Z" };
        var noId = FhirSamples.Encounter();
        noId.Id = null;
        var twoIdentifiersNoMr = FhirSamples.Patient();
        twoIdentifiersNoMr.Identifier.ForEach(i => i.Type = null);

        Assert.Equal((FeedOutcome.Invalid, FeedReasons.NoFacility), Outcome(Read(noFacility)));
        Assert.Equal((FeedOutcome.Invalid, FeedReasons.NoDischargeTime), Outcome(Read(noEnd)));
        Assert.Equal((FeedOutcome.Invalid, FeedReasons.NoEncounterId), Outcome(Read(noId)));
        Assert.Equal((FeedOutcome.Invalid, FeedReasons.NoPatient), Outcome(EncounterNotice.Read(FhirSamples.Encounter(), null, References)));
        Assert.Equal((FeedOutcome.Invalid, FeedReasons.NoPatientIdentifier), Outcome(Read(FhirSamples.Encounter(), twoIdentifiersNoMr)));
    }

    [Fact]
    public void A_single_identifier_is_taken_as_the_MRN()
    {
        var patient = WithMrn("MRN-ONLY-ONE");
        patient.Identifier = [new Identifier("urn:example:mrn", "MRN-ONLY-ONE")];

        Assert.Null(Read(FhirSamples.Encounter(), patient).Refusal);
    }

    [Fact]
    public void Death_comes_from_the_expired_disposition_or_the_patients_deceased_element()
    {
        var expired = FhirSamples.Encounter();
        expired.Hospitalization!.DischargeDisposition = new CodeableConcept("http://terminology.hl7.org/CodeSystem/discharge-disposition", "exp");
        var deceasedFlag = FhirSamples.Patient();
        deceasedFlag.Deceased = new FhirBoolean(true);
        var deceasedAt = FhirSamples.Patient();
        deceasedAt.Deceased = new FhirDateTime("2026-11-30T09:00:00Z");

        Assert.True(Read(expired).Facts!.Deceased);
        Assert.Equal("exp", Read(expired).Facts!.Disposition);
        Assert.True(Read(FhirSamples.Encounter(), deceasedFlag).Facts!.Deceased);
        Assert.True(Read(FhirSamples.Encounter(), deceasedAt).Facts!.Deceased);
        Assert.False(Read(FhirSamples.Encounter(), new Func<Patient>(() => { var p = FhirSamples.Patient(); p.Deceased = new FhirBoolean(false); return p; })()).Facts!.Deceased);
    }

    [Fact]
    public void No_publicity_comes_from_our_extension_or_a_restricted_confidentiality_label()
    {
        var flagged = FhirSamples.Patient();
        flagged.Extension.Add(new Extension(EncounterNotice.NoPublicityExtension, new FhirBoolean(true)));
        var restricted = FhirSamples.Patient();
        restricted.Meta = new Meta { Security = [new Coding(EncounterNotice.ConfidentialitySystem, "R")] };
        var normal = FhirSamples.Patient();
        normal.Meta = new Meta { Security = [new Coding(EncounterNotice.ConfidentialitySystem, "N")] };

        Assert.True(Read(FhirSamples.Encounter(), flagged).Facts!.NoPublicity);
        Assert.True(Read(FhirSamples.Encounter(), restricted).Facts!.NoPublicity);
        Assert.False(Read(FhirSamples.Encounter(), normal).Facts!.NoPublicity);
    }

    [Fact]
    public void Channels_list_only_what_is_on_file_and_a_landline_is_not_sms()
    {
        var landlineOnly = FhirSamples.Patient();
        landlineOnly.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, "+1 555 0100 0000")];
        landlineOnly.Address = [];

        var reading = Read(FhirSamples.Encounter(), landlineOnly);

        Assert.Empty(reading.Facts!.ContactChannels);
        Assert.False(reading.Contact!.PhoneIsMobile);
        Assert.Equal("+1 555 0100 0000", reading.Contact.Phone);
    }

    [Fact]
    public void Language_prefers_the_communication_marked_preferred()
    {
        var patient = FhirSamples.Patient();
        patient.Communication =
        [
            new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", "en") },
            new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", "vi"), Preferred = true },
        ];

        Assert.Equal("vi", Read(FhirSamples.Encounter(), patient).Facts!.Language);
    }

    [Theory]
    [InlineData("2008-12-01", "under-18")]
    [InlineData("2008-11-30", "18-34")]
    [InlineData("2008", "under-18")]
    [InlineData("1992-01-01", "18-34")]
    [InlineData("1976-11-30", "50-64")]
    [InlineData("1946-12-01", "65-79")]
    [InlineData("1946-11-30", "80-plus")]
    [InlineData(null, "unknown")]
    [InlineData("not-a-date", "unknown")]
    public void The_age_band_is_the_age_on_the_day_of_discharge(string? birthDate, string band) =>
        Assert.Equal(band, EncounterNotice.AgeBand(birthDate, new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero)));

    private static Patient WithMrn(string mrn)
    {
        var patient = FhirSamples.Patient();
        patient.Identifier[0].Value = mrn;
        return patient;
    }

    private static (FeedOutcome, string) Outcome(EncounterReading reading) => (reading.Refusal!.Outcome, reading.Refusal.Reason);
}
