using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// The escalation chain, bottom up (wire: <c>unit</c>, <c>department</c>, <c>executive</c>). Declaration order is the
/// order a case climbs: <see cref="EscalationLevels.Next"/> follows it.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<EscalationLevel>))]
public enum EscalationLevel
{
    /// <summary>The bedside: unit or charge nurse manager.</summary>
    Unit,
    /// <summary>The department head.</summary>
    Department,
    /// <summary>Administrator on duty, CNO, COO.</summary>
    Executive,
}

public static class EscalationLevels
{
    /// <summary>The level above, or null at the top.</summary>
    public static EscalationLevel? Next(this EscalationLevel level) => level switch
    {
        EscalationLevel.Unit => EscalationLevel.Department,
        EscalationLevel.Department => EscalationLevel.Executive,
        EscalationLevel.Executive => null,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };
}
