using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// A day of the week (wire: <c>monday</c> ... <c>sunday</c>), e.g. the days a triage shift starts on. The values are
/// <see cref="DayOfWeek"/>'s, so a cast converts between them.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<Weekday>))]
public enum Weekday
{
    Monday = DayOfWeek.Monday,
    Tuesday = DayOfWeek.Tuesday,
    Wednesday = DayOfWeek.Wednesday,
    Thursday = DayOfWeek.Thursday,
    Friday = DayOfWeek.Friday,
    Saturday = DayOfWeek.Saturday,
    Sunday = DayOfWeek.Sunday,
}
