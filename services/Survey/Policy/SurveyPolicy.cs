using PatientExperience.ServiceDefaults.Time;

namespace PatientExperience.Survey.Policy;

/// <summary>
/// How a facility surveys its discharged patients: when the invitation goes out after discharge, how long the link works,
/// when reminders follow, what share of eligible discharges is sampled, how long a patient rests between surveys, which
/// questions are critical (a bottom-box answer asks for service recovery), and which survey it sends. Versions are only
/// ever added; an invitation keeps the version it was planned under.
/// </summary>
public sealed record SurveyPolicy
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3650);
    public const int MaxReminders = 5;
    public const int MaxCriticalItems = 50;

    public required string FacilityId { get; init; }
    /// <summary>0: the platform default (no policy set for the facility).</summary>
    public required int Version { get; init; }
    /// <summary>From discharge to the invitation.</summary>
    public required TimeSpan InvitationDelay { get; init; }
    /// <summary>From the invitation to the end of the link's life.</summary>
    public required TimeSpan ResponseWindow { get; init; }
    /// <summary>After the invitation, ascending, each within the response window.</summary>
    public required IReadOnlyList<TimeSpan> Reminders { get; init; }
    /// <summary>The share of eligible discharges invited, 0 to 1.</summary>
    public required double SamplingRate { get; init; }
    /// <summary>A patient invited within this before a discharge is not invited again for it.</summary>
    public required TimeSpan MinimumInterval { get; init; }
    /// <summary>Question ids whose bottom-box answer raises LowSatisfactionDetected.</summary>
    public IReadOnlyList<string> CriticalItems { get; init; } = [];
    /// <summary>The survey sent (a definition id); null: the platform default (<see cref="SurveyOptions.DefaultSurveyId"/>).</summary>
    public string? SurveyId { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? CreatedBy { get; init; }

    /// <summary>Version 0, in force until a facility sets its own: the figures of the issue that introduced surveys.</summary>
    public static SurveyPolicy Default(string facilityId) => new()
    {
        FacilityId = facilityId, Version = 0, InvitationDelay = TimeSpan.FromHours(48), ResponseWindow = TimeSpan.FromDays(42),
        Reminders = [TimeSpan.FromDays(7), TimeSpan.FromDays(14)], SamplingRate = 1.0, MinimumInterval = TimeSpan.FromDays(90),
    };

    /// <summary>The same rules (ignoring version and authorship): setting the same policy again adds no version.</summary>
    public bool SameRulesAs(SurveyPolicy other) =>
        InvitationDelay == other.InvitationDelay && ResponseWindow == other.ResponseWindow && Reminders.SequenceEqual(other.Reminders)
        && SamplingRate.Equals(other.SamplingRate) && MinimumInterval == other.MinimumInterval
        && CriticalItems.SequenceEqual(other.CriticalItems, StringComparer.Ordinal) && string.Equals(SurveyId, other.SurveyId, StringComparison.Ordinal);

    /// <summary>The next version of this facility's policy with the rules of <paramref name="rules"/>.</summary>
    public SurveyPolicy Succeed(SurveyPolicy rules, DateTimeOffset now, string? author) =>
        rules with { FacilityId = FacilityId, Version = Version + 1, CreatedAt = now, CreatedBy = author };

    /// <summary>
    /// Reads a request into a policy's rules, naming every bad field (<c>reminders[1]</c>). Durations are ISO 8601; seconds
    /// are fine. Reminders ascend and fall inside the response window.
    /// </summary>
    public static SurveyPolicy? Parse(string facilityId, SurveyPolicyRequest body, Dictionary<string, string[]> errors)
    {
        var delay = Duration("invitationDelay", body.InvitationDelay, allowZero: true, errors);
        var window = Duration("responseWindow", body.ResponseWindow, allowZero: false, errors);
        var interval = body.MinimumInterval is null ? TimeSpan.Zero : Duration("minimumInterval", body.MinimumInterval, allowZero: true, errors);
        var reminders = new List<TimeSpan>();
        var texts = body.Reminders ?? [];
        if (texts.Count > MaxReminders) errors["reminders"] = [$"At most {MaxReminders} reminders."];
        for (var i = 0; i < texts.Count && i < MaxReminders; i++)
        {
            if (Duration($"reminders[{i}]", texts[i], allowZero: false, errors) is not { } r) continue;
            if (reminders.Count > 0 && r <= reminders[^1]) errors[$"reminders[{i}]"] = ["Reminders must ascend."];
            else if (window is { } w && r >= w) errors[$"reminders[{i}]"] = ["Must fall inside the response window."];
            reminders.Add(r);
        }

        var rate = body.SamplingRate ?? 1.0;
        if (double.IsNaN(rate) || rate is < 0 or > 1) errors["samplingRate"] = ["Must be between 0 and 1."];
        var critical = body.CriticalItems ?? [];
        if (critical.Count > MaxCriticalItems) errors["criticalItems"] = [$"At most {MaxCriticalItems}."];
        else if (critical.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > 64)) errors["criticalItems"] = ["Question ids of 1-64 characters."];
        if (body.SurveyId is { } survey && (string.IsNullOrWhiteSpace(survey) || survey.Length > 64)) errors["surveyId"] = ["A survey definition id."];

        if (errors.Count > 0 || delay is null || window is null || interval is null) return null;
        return new SurveyPolicy
        {
            FacilityId = facilityId, Version = 0, InvitationDelay = delay.Value, ResponseWindow = window.Value, Reminders = reminders,
            SamplingRate = rate, MinimumInterval = interval.Value, CriticalItems = critical.Distinct(StringComparer.Ordinal).ToList(), SurveyId = body.SurveyId,
        };
    }

    private static TimeSpan? Duration(string field, string? text, bool allowZero, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            errors[field] = ["Required: an ISO 8601 duration such as PT48H, P42D or PT5S."];
            return null;
        }

        if (!IsoDuration.TryParse(text, out var value))
        {
            errors[field] = ["Must be an ISO 8601 duration such as PT48H, P42D or PT5S."];
            return null;
        }

        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            errors[field] = [allowZero ? "Must not be negative." : "Must be longer than zero."];
            return null;
        }

        if (value > MaxDuration)
        {
            errors[field] = ["Must be at most P3650D."];
            return null;
        }

        return value;
    }
}

/// <summary>
/// <c>{"invitationDelay":"PT48H","responseWindow":"P42D","reminders":["P7D","P14D"],"samplingRate":1.0,"minimumInterval":"P90D","criticalItems":["..."]}</c>,
/// optionally with <c>"surveyId"</c> (the survey definition sent; the platform default when absent).
/// </summary>
public sealed record SurveyPolicyRequest
{
    public string? InvitationDelay { get; init; }
    public string? ResponseWindow { get; init; }
    public IReadOnlyList<string>? Reminders { get; init; }
    public double? SamplingRate { get; init; }
    public string? MinimumInterval { get; init; }
    public IReadOnlyList<string>? CriticalItems { get; init; }
    public string? SurveyId { get; init; }
}

/// <summary>A version of a facility's survey policy as the API shows it, durations in ISO 8601.</summary>
public sealed record SurveyPolicyView
{
    public required string FacilityId { get; init; }
    public required int Version { get; init; }
    /// <summary><c>facility</c> (set for the facility) or <c>default</c> (version 0).</summary>
    public required string Source { get; init; }
    public required string InvitationDelay { get; init; }
    public required string ResponseWindow { get; init; }
    public required IReadOnlyList<string> Reminders { get; init; }
    public required double SamplingRate { get; init; }
    public required string MinimumInterval { get; init; }
    public required IReadOnlyList<string> CriticalItems { get; init; }
    public string? SurveyId { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? CreatedBy { get; init; }

    public static SurveyPolicyView From(SurveyPolicy p) => new()
    {
        FacilityId = p.FacilityId, Version = p.Version, Source = p.Version == 0 ? "default" : "facility",
        InvitationDelay = IsoDuration.Format(p.InvitationDelay), ResponseWindow = IsoDuration.Format(p.ResponseWindow),
        Reminders = p.Reminders.Select(IsoDuration.Format).ToList(), SamplingRate = p.SamplingRate,
        MinimumInterval = IsoDuration.Format(p.MinimumInterval), CriticalItems = p.CriticalItems, SurveyId = p.SurveyId,
        CreatedAt = p.CreatedAt, CreatedBy = p.CreatedBy,
    };
}
