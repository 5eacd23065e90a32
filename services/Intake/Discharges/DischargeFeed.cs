using System.Security.Claims;
using Hl7.Fhir.Model;
using PatientExperience.Intake.Facilities;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Discharges;

/// <summary>A discharge that passed every check and can be recorded.</summary>
public sealed record PreparedDischarge(DischargeFacts Facts, DischargeContactDetails Contact, string? DepartmentId);

/// <summary>The outcome of checking one Encounter: a refusal, or a discharge ready to record.</summary>
public sealed record CheckedEncounter(FeedResult? Refusal, PreparedDischarge? Discharge);

/// <summary>
/// The discharge feed's rules, apart from HTTP: an Encounter becomes a discharge when it reads as one
/// (<see cref="EncounterNotice"/>), its facility is in the caller's token and in the organisation directory. Recording is
/// idempotent per Encounter id and facility: a redelivered Encounter gets the same answer and publishes nothing again.
/// </summary>
public sealed class DischargeFeed(DischargeStore store, IFacilityDirectory directory, PatientReferences references, IntakePhiProtector phi, TimeProvider clock)
{
    /// <summary>Checks without recording anything, so a transaction Bundle can be refused whole.</summary>
    /// <exception cref="DirectoryUnavailableException">The organisation directory cannot be read.</exception>
    public async Task<CheckedEncounter> CheckAsync(ClaimsPrincipal caller, Encounter encounter, Patient? patient, CancellationToken ct)
    {
        var reading = EncounterNotice.Read(encounter, patient, references);
        if (reading.Refusal is { } refusal) return new CheckedEncounter(refusal, null);
        var facts = reading.Facts!;

        // Outside the caller's facilities the facility's existence is not disclosed: the scope is checked first.
        if (!caller.CanAccessFacility(facts.FacilityId))
        {
            return new CheckedEncounter(new FeedResult(FeedOutcome.Forbidden, FeedReasons.FacilityNotInScope,
                "The Encounter's facility (Encounter.serviceProvider.identifier.value) is not one this client may send for."), null);
        }

        var lookup = await directory.FindAsync(facts.FacilityId, ct);
        if (!lookup.Known)
        {
            return new CheckedEncounter(FeedResult.Ignored(FeedReasons.UnknownFacility,
                "Ignored: the facility (Encounter.serviceProvider.identifier.value) is not in the organisation directory."), null);
        }

        var department = facts.UnitId is null ? null : lookup.Facility?.Departments.FirstOrDefault(d => d.Units.Any(u => u.Id == facts.UnitId))?.Id;
        return new CheckedEncounter(null, new PreparedDischarge(facts, reading.Contact!, department));
    }

    /// <summary>Records the discharge and its PatientDischarged in one write, or answers as before for a redelivered Encounter.</summary>
    public async Task<FeedResult> RecordAsync(PreparedDischarge prepared, CancellationToken ct)
    {
        var facts = prepared.Facts;
        if (await store.FindByEncounterAsync(facts.FacilityId, facts.EncounterId, ct) is { } existing) return FeedResult.Accepted(existing.Document.Id);

        var discharge = Discharge.Record(facts, prepared.DepartmentId, prepared.Contact, clock.GetUtcNow(), phi);
        try
        {
            await store.AddAsync(discharge, ct);
            return FeedResult.Accepted(discharge.Id);
        }
        catch (DuplicateDocumentException)
        {
            // A concurrent delivery of the same Encounter won the race: answer as it did.
            var winner = await store.FindByEncounterAsync(facts.FacilityId, facts.EncounterId, ct)
                ?? throw new InvalidOperationException("Encounter key taken but not found.");
            return FeedResult.Accepted(winner.Document.Id);
        }
    }
}
