using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Preferences;

/// <summary>Push channels chosen for each severity (the inbox is always delivered and is not listed).</summary>
public sealed record ChannelsBySeverity
{
    public IReadOnlyList<string> Low { get; init; } = [];
    public IReadOnlyList<string> Medium { get; init; } = [];
    public IReadOnlyList<string> High { get; init; } = [];
    public IReadOnlyList<string> Critical { get; init; } = [];

    public IReadOnlyList<string> For(Severity severity) => severity switch
    {
        Severity.Low => Low,
        Severity.Medium => Medium,
        Severity.High => High,
        Severity.Critical => Critical,
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    public static ChannelsBySeverity From(ChannelDefaults defaults) => new()
    {
        Low = defaults.For(Severity.Low), Medium = defaults.For(Severity.Medium), High = defaults.For(Severity.High), Critical = defaults.For(Severity.Critical),
    };
}

/// <summary>One person's notification preferences (document id: the person id, the subject of their token).</summary>
public sealed record PersonPreferences
{
    public required string PersonId { get; init; }
    /// <summary>IANA time zone for quiet hours; null: the one the directory gives for them, else the facility's.</summary>
    public string? TimeZone { get; init; }
    public required ChannelsBySeverity Channels { get; init; }
    /// <summary>HH:mm, with <see cref="QuietHoursEnd"/>; both null for none.</summary>
    public string? QuietHoursStart { get; init; }
    public string? QuietHoursEnd { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public QuietHours? QuietHours => Preferences.QuietHours.TryParse(QuietHoursStart, QuietHoursEnd, out var q) ? q : null;
}

/// <summary>The preferences port.</summary>
public sealed class PreferenceStore([FromKeyedServices(NotificationModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("preferences");

    private readonly IDocumentCollection<PersonPreferences> _preferences = store.Collection<PersonPreferences>(Definition);

    public async Task<PersonPreferences?> GetAsync(string personId, CancellationToken ct) => (await _preferences.GetAsync(personId, ct))?.Document;

    /// <summary>Stores a person's preferences, replacing what they had (the last write wins).</summary>
    public async Task SaveAsync(PersonPreferences preferences, CancellationToken ct)
    {
        while (true)
        {
            var existing = await _preferences.GetAsync(preferences.PersonId, ct);
            try
            {
                if (existing is null) await _preferences.InsertAsync(preferences.PersonId, preferences, [], ct);
                else await _preferences.ReplaceAsync(preferences.PersonId, preferences, existing.Version, [], ct);
                return;
            }
            catch (Exception e) when (e is DuplicateDocumentException or ConcurrencyConflictException)
            {
                // Saved by the same person from another tab a moment ago: read again and write over it.
            }
        }
    }
}
