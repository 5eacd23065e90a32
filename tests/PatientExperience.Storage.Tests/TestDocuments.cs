namespace PatientExperience.Storage.Tests;

public enum GrievanceStatus { Received, AwaitingResponse, Closed }

public sealed record PatientRef(string MedicalRecordNumber, string? Ward);

/// <summary>A grievance-shaped document exercising what the store must keep: instants, enums, nesting and absent values.</summary>
public sealed record Grievance(string Reference, GrievanceStatus Status, DateTimeOffset ReceivedAt, int EscalationLevel, PatientRef Patient)
{
    /// <summary>Unique when present; many grievances have none.</summary>
    public string? ContactEmail { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? Notes { get; init; }
}

internal static class TestDocuments
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static CollectionDefinition GrievancesDefinition(string name) => new(name)
    {
        IndexedFields = ["status", "receivedAt", "escalationLevel", "patient.ward"],
        UniqueFields = ["contactEmail"],
    };

    /// <summary>A unique collection name, so tests sharing one database never see each other's documents.</summary>
    public static string UniqueCollectionName(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    public static Grievance Grievance(string reference, DateTimeOffset? receivedAt = null, GrievanceStatus status = GrievanceStatus.Received, int escalationLevel = 1, string? ward = "ward-7", string? email = null) =>
        new(reference, status, receivedAt ?? T0, escalationLevel, new PatientRef($"MRN-{reference}", ward)) { ContactEmail = email };

    public static OutboxMessage Message(string type, DateTimeOffset createdAt) => new(
        Guid.NewGuid(),
        type,
        $$"""{"kind":"{{type}}"}""",
        new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", ["content-type"] = "application/json" },
        createdAt);
}
