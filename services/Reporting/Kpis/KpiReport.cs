using System.Text.Json.Serialization;

namespace PatientExperience.Reporting.Kpis;

/// <summary>
/// The KPIs of a scope over a period. Values that cannot be computed (a rate without discharges, a percentile without
/// cases, a ratio without outcomes, NPS without answers) are absent, never zero.
/// </summary>
public sealed record KpiReport(
    DateOnly From,
    DateOnly To,
    KpiScope Scope,
    FeedbackCounts Feedback,
    long CasesOpened,
    long Acknowledged,
    long CasesResolved,
    DischargeRates RatePer1000Discharges,
    DurationPercentiles TimeToAcknowledgeSeconds,
    DurationPercentiles TimeToResolveSeconds,
    SlaCompliance SlaCompliance,
    EscalationCounts Escalations,
    IReadOnlyList<BacklogBand> Backlog,
    SurveyKpis Surveys,
    ServiceRecoveryCounts ServiceRecovery);

/// <summary>The facilities covered (<c>*</c> for every facility), and the department and unit when one was asked for.</summary>
public sealed record KpiScope(
    IReadOnlyList<string> Facilities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DepartmentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UnitId);

/// <summary>Submissions received in the period, by the kind they came in as (one without a kind counts in the total only).</summary>
public sealed record FeedbackCounts(long Total, long Complaints, long Grievances, long Compliments, long Suggestions, long Questions);

/// <summary>Cases opened in the period classified complaint and grievance, per 1,000 discharges in the period; absent without discharges.</summary>
public sealed record DischargeRates(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Complaints,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Grievances,
    long Discharges);

/// <summary>Nearest-rank percentiles in seconds (from day histograms: within 2.5%); absent when no case counts.</summary>
public sealed record DurationPercentiles(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? P50,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? P90);

/// <summary>Share (0..1) of the outcomes known in the period that met the deadline; absent when none is known.</summary>
public sealed record SlaCompliance(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? AcknowledgedOnTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? InterimNoticeOnTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ResponseOnTime);

/// <summary>Cases that reached each level for the first time in the period.</summary>
public sealed record EscalationCounts(long Department, long Executive);

/// <summary>Cases open at the end of the period (or now, if sooner), by age in whole days.</summary>
public sealed record BacklogBand(string AgeBand, long Open);

/// <summary>
/// Response rate of the invitations issued in the period; NPS of the answers received in it, with its 95% confidence interval
/// (see <see cref="NpsStatistics"/>); <c>n</c> NPS answers; <c>smallSample</c> under the configured minimum (30).
/// </summary>
public sealed record SurveyKpis(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ResponseRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Nps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<double>? NpsCi95,
    long N,
    bool SmallSample);

/// <summary>
/// Service-recovery cases (CaseOpened with source survey): opened in the period, and first resolved in the period (a case
/// resolved, reopened and resolved again counts once).
/// </summary>
public sealed record ServiceRecoveryCounts(long Opened, long Resolved);
