namespace PatientExperience.Reporting.Charts;

/// <summary>The charts the reporting service draws (route names in <see cref="ReportCharts.Names"/>).</summary>
public enum ReportChart
{
    /// <summary>Cases opened in the period per category, largest first.</summary>
    VolumesByCategory,
    /// <summary>Median and 90th percentile time to acknowledge per period, in hours.</summary>
    TimeToAcknowledge,
    /// <summary>Median and 90th percentile time to resolve per period, in days.</summary>
    TimeToResolve,
    /// <summary>Share of acknowledgements, interim notices and responses on time per period, in percent.</summary>
    SlaCompliance,
    /// <summary>Cases reaching the department and the executive level per period.</summary>
    EscalationsByLevel,
    /// <summary>Net promoter score per period.</summary>
    NpsTrend,
    /// <summary>A unit's complaints per 1,000 discharges with its centre line and control limits, signals marked.</summary>
    UChart,
}

/// <summary>How a chart is encoded.</summary>
public enum ChartFormat { Svg, Png }

/// <summary>A rendered chart.</summary>
public sealed record ChartImage(byte[] Content, string ContentType);
