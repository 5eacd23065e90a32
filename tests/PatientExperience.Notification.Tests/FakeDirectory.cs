using System.Collections.Concurrent;
using PatientExperience.Contracts.Case;
using PatientExperience.Notification.Contacts;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// The case service as the notification service sees it (recipients per level, cases, facilities), answering from memory and
/// recording every ResolveRecipients call. The gRPC adapters themselves run against real services in the end-to-end tests.
/// </summary>
public sealed class FakeCaseDirectory : ICaseDirectory
{
    public const string Facility = "riverside-general";

    public ConcurrentDictionary<Guid, CaseSummary> Cases { get; } = new();

    /// <summary>Who holds each level (any case of the facility).</summary>
    public ConcurrentDictionary<string, IReadOnlyList<StaffRecipient>> Levels { get; } = new();

    public ConcurrentQueue<(Guid? CaseId, string Level)> ResolveCalls { get; } = new();

    public Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(Guid? caseId, string facilityId, string? departmentId, EscalationLevel level, CancellationToken ct)
    {
        ResolveCalls.Enqueue((caseId, level.ToWire()));
        return Task.FromResult(Levels.TryGetValue(level.ToWire(), out var r) ? r : (IReadOnlyList<StaffRecipient>)[]);
    }

    public Task<CaseSummary?> GetCaseAsync(Guid caseId, string facilityId, CancellationToken ct) =>
        Task.FromResult(Cases.TryGetValue(caseId, out var c) ? c : null);

    public Task<FacilityInfo?> FacilityAsync(string facilityId, CancellationToken ct) =>
        Task.FromResult<FacilityInfo?>(facilityId == Facility
            ? new FacilityInfo(Facility, "Riverside General Hospital", "America/New_York",
                new Dictionary<string, string> { ["emergency"] = "Emergency Department" }, new Dictionary<string, string> { ["ed-adult"] = "Adult ED" })
            : null);
}

/// <summary>Intake's patient contacts, from memory, recording each read.</summary>
public sealed class FakePatientContacts : IPatientContacts
{
    public ConcurrentDictionary<Guid, PatientContact> Contacts { get; } = new();

    public ConcurrentQueue<Guid> Reads { get; } = new();

    public Task<PatientContact?> GetAsync(Guid submissionId, string facilityId, CancellationToken ct)
    {
        Reads.Enqueue(submissionId);
        return Task.FromResult(Contacts.TryGetValue(submissionId, out var c) ? c : null);
    }
}
