using System.Text.Json;
using PatientExperience.Contracts.Intake;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Intake.Discharges;

/// <summary>
/// A finished inpatient encounter the EHR reported, as stored: one per Encounter id and facility. The patient's MRN, name and
/// contact are kept only inside <see cref="ProtectedContact"/>, encrypted; the rest is what PatientDischarged carries.
/// </summary>
public sealed class Discharge
{
    public required Guid Id { get; init; }
    /// <summary><c>{facilityId}|{encounterId}</c>: unique, so a redelivered Encounter is recognised.</summary>
    public required string EncounterKey { get; init; }
    public required string EncounterId { get; init; }
    public required string PatientReference { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required DateTimeOffset DischargedAt { get; init; }
    public string? Disposition { get; init; }
    public required bool Deceased { get; init; }
    public required string AgeBand { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string> ContactChannels { get; init; } = [];
    public required bool NoPublicity { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string ProtectedContact { get; init; }

    public static string KeyOf(string facilityId, string encounterId) => facilityId + "|" + encounterId;

    public static Discharge Record(DischargeFacts facts, string? departmentId, DischargeContactDetails contact, DateTimeOffset now, IPhiProtector phi) =>
        Record(Guid.CreateVersion7(now), facts, departmentId, contact, now, phi);

    private static Discharge Record(Guid id, DischargeFacts facts, string? departmentId, DischargeContactDetails contact, DateTimeOffset now, IPhiProtector phi) => new()
    {
        Id = id,
        EncounterKey = KeyOf(facts.FacilityId, facts.EncounterId),
        EncounterId = facts.EncounterId,
        PatientReference = facts.PatientReference,
        FacilityId = facts.FacilityId,
        DepartmentId = departmentId,
        UnitId = facts.UnitId,
        DischargedAt = facts.DischargedAt,
        Disposition = facts.Disposition,
        Deceased = facts.Deceased,
        AgeBand = facts.AgeBand,
        Language = facts.Language,
        ContactChannels = facts.ContactChannels,
        NoPublicity = facts.NoPublicity,
        ReceivedAt = now,
        ProtectedContact = phi.Protect(JsonSerializer.Serialize(contact, JsonSerializerOptions.Web), RecordOf(id)),
    };

    public PatientDischarged ToEvent() => new()
    {
        DischargeId = Id,
        EncounterId = EncounterId,
        PatientReference = PatientReference,
        FacilityId = FacilityId,
        DepartmentId = DepartmentId,
        UnitId = UnitId,
        DischargedAt = DischargedAt,
        Disposition = Disposition,
        Deceased = Deceased,
        AgeBand = AgeBand,
        Language = Language,
        ContactChannels = ContactChannels,
        NoPublicity = NoPublicity,
        ReceivedAt = ReceivedAt,
    };

    public DischargeContactDetails RevealContact(IPhiProtector phi) =>
        JsonSerializer.Deserialize<DischargeContactDetails>(phi.Unprotect(ProtectedContact, RecordOf(Id)), JsonSerializerOptions.Web)!;

    /// <summary>What the protected contact is bound to: a discharge's ciphertext does not decrypt on another discharge.</summary>
    public static PhiRecord RecordOf(Guid id) => new("discharge", id);
}
