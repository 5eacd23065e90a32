using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PatientExperience.Intake.Discharges;

/// <summary>
/// Turns a patient's MRN (identifier system and value) into a pseudonymous reference: HMAC-SHA256 under
/// <see cref="IntakeOptions.PatientReferenceKey"/>, hex. Stable for one key, so the survey service can tell the same patient
/// again (its minimum interval between surveys) without holding the MRN, and not reversible without the key.
/// </summary>
public sealed class PatientReferences(IOptions<IntakeOptions> options)
{
    private readonly byte[] _key = Convert.FromBase64String(options.Value.PatientReferenceKey);

    public string For(string mrnSystem, string mrnValue) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(mrnSystem + "|" + mrnValue)));

    /// <summary>
    /// The reference of an MRN typed into a feedback form, which names no identifier system: the facility's own record
    /// numbers are assumed (<c>urn:pxp:facility:{facilityId}:mrn</c>), so the same number at another facility is another patient.
    /// </summary>
    public string ForSubmittedMrn(string facilityId, string mrn) => For($"urn:pxp:facility:{facilityId}:mrn", mrn);
}
