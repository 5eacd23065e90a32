using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using PatientExperience.Intake.Discharges;

namespace PatientExperience.Intake.Tests.Discharges;

/// <summary>Small FHIR R4 Encounters and Bundles built with the Firely model. The PHI is distinctive so a leak is easy to find.</summary>
public static class FhirSamples
{
    public const string MrnSystem = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14";
    public const string Mrn = "MRN-DIS-554433";
    public const string Given = "Philomena";
    public const string Family = "Zanzibarquince";
    public const string Email = "philomena.zq@example.org";
    public const string Mobile = "+1 555 0142 7788";
    public const string Street = "77 Marigold Crescent";

    public static readonly string[] Phi = [Mrn, Given, Family, Email, Mobile, Street];

    public static Patient Patient(string id = "p1") => new()
    {
        Id = id,
        Identifier =
        [
            new Identifier(MrnSystem, Mrn) { Type = new CodeableConcept(EncounterNotice.IdentifierTypeSystem, "MR") },
            new Identifier("http://hl7.org/fhir/sid/us-ssn", "999-12-3456"),
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = Family, Given = [Given] }],
        BirthDate = "1960-03-15",
        Telecom =
        [
            new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, Email),
            new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, Mobile),
        ],
        Address = [new Address { Line = [Street], City = "Riverside", PostalCode = "92501" }],
        Communication = [new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", "es"), Preferred = true }],
    };

    public static Encounter Encounter(string? id = null, string facility = "riverside-general", string? unit = "4-west", string subject = "#p1") => new()
    {
        Id = id ?? NewEncounterId(),
        Status = Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
        Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
        Subject = new ResourceReference(subject),
        ServiceProvider = new ResourceReference { Identifier = new Identifier("urn:patient-experience:facility", facility) },
        Location = unit is null ? [] : [new Hl7.Fhir.Model.Encounter.LocationComponent { Location = new ResourceReference { Identifier = new Identifier("urn:patient-experience:unit", unit) } }],
        Period = new Period { Start = "2026-11-25T08:00:00Z", End = "2026-11-30T10:00:00Z" },
        Hospitalization = new Hl7.Fhir.Model.Encounter.HospitalizationComponent
        {
            DischargeDisposition = new CodeableConcept("http://terminology.hl7.org/CodeSystem/discharge-disposition", "home"),
        },
    };

    /// <summary>An Encounter with its Patient contained, as <c>POST /api/v1/fhir/Encounter</c> takes it.</summary>
    public static Encounter EncounterWithPatient(string? id = null, string facility = "riverside-general", Action<Patient>? patient = null)
    {
        var encounter = Encounter(id, facility);
        var p = Patient();
        patient?.Invoke(p);
        encounter.Contained = [p];
        return encounter;
    }

    public static string NewEncounterId() => "enc-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A Bundle of Encounters, each followed by its Patient as a separate entry referenced by fullUrl.</summary>
    public static Bundle Bundle(Bundle.BundleType type, params Encounter[] encounters)
    {
        var bundle = new Bundle { Type = type };
        foreach (var encounter in encounters)
        {
            var patientUrl = "urn:uuid:" + Guid.NewGuid();
            encounter.Subject = new ResourceReference(patientUrl);
            bundle.Entry.Add(Entry(type, encounter, "urn:uuid:" + Guid.NewGuid(), "Encounter/" + encounter.Id));
            bundle.Entry.Add(Entry(type, Patient(), patientUrl, "Patient"));
        }

        return bundle;
    }

    private static Bundle.EntryComponent Entry(Bundle.BundleType type, Resource resource, string fullUrl, string url) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = type == Hl7.Fhir.Model.Bundle.BundleType.Collection ? null : new Bundle.RequestComponent { Method = Hl7.Fhir.Model.Bundle.HTTPVerb.PUT, Url = url },
    };

    public static StringContent Content(Resource resource) => Content(resource.ToJson());

    public static StringContent Content(string json, string mediaType = "application/fhir+json") =>
        new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));
}
