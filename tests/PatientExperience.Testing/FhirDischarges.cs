using System.Globalization;
using System.Text.Json;

namespace PatientExperience.Testing;

/// <summary>What an EHR sends intake's FHIR feed: finished inpatient Encounters with their Patients, in a transaction Bundle.</summary>
public static class FhirDischarges
{
    /// <summary>One discharge as two Bundle entries: a finished inpatient Encounter (three days long) and its Patient.</summary>
    public static IEnumerable<object> Entries(
        string facility, string unit, DateTimeOffset dischargedAt, string email, string mrnPrefix, string family, string given,
        string birthDate = "1968-04-02", string disposition = "home", string encounterPrefix = "enc-")
    {
        var encounterId = encounterPrefix + Guid.NewGuid().ToString("N")[..16];
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        yield return new
        {
            fullUrl = "urn:uuid:" + Guid.NewGuid(),
            resource = new
            {
                resourceType = "Encounter", id = encounterId, status = "finished",
                @class = new { system = "http://terminology.hl7.org/CodeSystem/v3-ActCode", code = "IMP" },
                subject = new { reference = patientUrl },
                serviceProvider = new { identifier = new { system = "urn:patient-experience:facility", value = facility } },
                location = new[] { new { location = new { identifier = new { system = "urn:patient-experience:unit", value = unit } } } },
                period = new { start = Instant(dischargedAt.AddDays(-3)), end = Instant(dischargedAt) },
                hospitalization = new
                {
                    dischargeDisposition = new { coding = new[] { new { system = "http://terminology.hl7.org/CodeSystem/discharge-disposition", code = disposition } } },
                },
            },
            request = new { method = "PUT", url = "Encounter/" + encounterId },
        };
        yield return new
        {
            fullUrl = patientUrl,
            resource = new
            {
                resourceType = "Patient",
                identifier = new[]
                {
                    new
                    {
                        type = new { coding = new[] { new { system = "http://terminology.hl7.org/CodeSystem/v2-0203", code = "MR" } } },
                        system = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14", value = mrnPrefix + Guid.NewGuid().ToString("N")[..8],
                    },
                },
                name = new[] { new { family, given = new[] { given } } },
                birthDate,
                telecom = new[] { new { system = "email", value = email, use = "home" } },
            },
            request = new { method = "PUT", url = "Patient" },
        };
    }

    /// <summary>A transaction Bundle of the given entries, as JSON.</summary>
    public static string Bundle(IEnumerable<object> entries) =>
        JsonSerializer.Serialize(new { resourceType = "Bundle", type = "transaction", entry = entries.ToArray() });

    private static string Instant(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
