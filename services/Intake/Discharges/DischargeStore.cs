using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Discharges;

/// <summary>The port intake keeps discharges through. A discharge and its PatientDischarged event are one atomic write.</summary>
public sealed class DischargeStore([FromKeyedServices(IntakeModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("discharges")
    {
        UniqueFields = ["encounterKey"],
        IndexedFields = ["facilityId", "dischargedAt"],
    };

    private readonly IDocumentCollection<Discharge> _discharges = store.Collection<Discharge>(Definition);

    public Task<Stored<Discharge>?> GetAsync(Guid id, CancellationToken ct) => _discharges.GetAsync(id.ToString(), ct);

    public Task<Stored<Discharge>?> FindByEncounterAsync(string facilityId, string encounterId, CancellationToken ct) =>
        _discharges.FindOneAsync("encounterKey", Discharge.KeyOf(facilityId, encounterId), ct);

    /// <exception cref="DuplicateDocumentException">The Encounter was recorded by a concurrent request.</exception>
    public Task<Stored<Discharge>> AddAsync(Discharge discharge, CancellationToken ct) =>
        _discharges.InsertAsync(discharge.Id.ToString(), discharge, [OutboxMessages.Create(discharge.ToEvent(), discharge.ReceivedAt)], ct);
}
