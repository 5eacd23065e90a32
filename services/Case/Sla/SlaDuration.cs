using System.Text.Json.Serialization;
using PatientExperience.ServiceDefaults.Time;

namespace PatientExperience.Case.Sla;

/// <summary>How the days of a deadline are counted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlaDays>))]
public enum SlaDays
{
    /// <summary>Every day counts.</summary>
    [JsonStringEnumMemberName("calendar")] Calendar,

    /// <summary>Only business days count: not Saturdays, Sundays or the facility's holidays (<see cref="BusinessCalendar"/>).</summary>
    [JsonStringEnumMemberName("business")] Business,
}

/// <summary>
/// A positive length of time allowed for something, counted in calendar or business days in the facility's time zone
/// (<see cref="BusinessCalendar.Add"/> defines the arithmetic). Written as an ISO 8601 duration (<c>P1D</c>, <c>PT5S</c>).
/// </summary>
public sealed record SlaDuration
{
    /// <summary>The longest duration a policy may hold (about ten years), so every deadline stays representable.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3660);

    [JsonConstructor]
    public SlaDuration(TimeSpan length, SlaDays days)
    {
        if (length <= TimeSpan.Zero || length > Max) throw new ArgumentOutOfRangeException(nameof(length), "An SLA duration must be positive and at most P3660D.");
        if (!Enum.IsDefined(days)) throw new ArgumentOutOfRangeException(nameof(days));
        Length = length;
        Days = days;
    }

    public TimeSpan Length { get; }

    public SlaDays Days { get; }

    public static SlaDuration Calendar(TimeSpan length) => new(length, SlaDays.Calendar);

    public static SlaDuration Business(TimeSpan length) => new(length, SlaDays.Business);

    public static SlaDuration CalendarDays(int days) => Calendar(TimeSpan.FromDays(days));

    public static SlaDuration BusinessDays(int days) => Business(TimeSpan.FromDays(days));

    /// <summary>The length as an ISO 8601 duration, e.g. <c>P1D</c>, <c>PT5S</c>, <c>P1DT2H</c>.</summary>
    [JsonIgnore]
    public string Iso => IsoDuration.Format(Length);

    public override string ToString() => $"{Iso} {(Days == SlaDays.Business ? "business" : "calendar")}";
}
