using System.Globalization;
using System.Text;

namespace PatientExperience.Reporting.Kpis;

/// <summary>
/// Every report as CSV (RFC 4180, one header row). Small cells are suppressed: a count from 1 to below the threshold (5) is
/// written empty, and so is a value derived from so few cases or answers (a percentile, a ratio, a rate, an NPS), so that
/// an export never lets a reader single out a patient.
/// </summary>
public static class ReportCsv
{
    public const string ContentType = "text/csv";

    /// <summary>A value and the number of cases or answers it rests on (a count rests on itself).</summary>
    private readonly record struct Cell(object? Value, long Basis)
    {
        public static Cell Count(long n) => new(n, n);
    }

    private static readonly string[] KpiColumns =
    [
        "from", "to", "facilities", "departmentId", "unitId",
        "feedbackTotal", "feedbackComplaints", "feedbackGrievances", "feedbackCompliments", "feedbackSuggestions", "feedbackQuestions",
        "casesOpened", "acknowledged", "casesResolved", "complaintsPer1000Discharges", "grievancesPer1000Discharges", "discharges",
        "timeToAcknowledgeP50", "timeToAcknowledgeP90", "timeToResolveP50", "timeToResolveP90",
        "acknowledgedOnTime", "interimNoticeOnTime", "responseOnTime", "escalationsDepartment", "escalationsExecutive",
        .. KpiQuery.AgeBands.Select(b => $"backlog{b.Name}"),
        "surveyResponseRate", "nps", "npsCi95Low", "npsCi95High", "npsN", "smallSample", "serviceRecoveryOpened", "serviceRecoveryResolved",
    ];

    private static readonly string[] SeriesColumns =
    [
        "period", "group", "feedback", "casesOpened", "complaints", "grievances", "acknowledged", "resolved",
        "timeToAcknowledgeP50", "timeToAcknowledgeP90", "timeToResolveP50", "timeToResolveP90",
        "acknowledgedOnTime", "interimNoticeOnTime", "responseOnTime", "escalationsDepartment", "escalationsExecutive",
        "discharges", "complaintsPer1000Discharges", "responses", "nps",
    ];

    public static string Kpis(KpiReport report, int threshold) => Write(KpiColumns, [KpiRow(report)], threshold);

    public static string Comparison(FacilityComparison comparison, int threshold) => Write(KpiColumns, comparison.Facilities.Select(KpiRow), threshold);

    public static string Series(KpiSeries series, int threshold) => Write(SeriesColumns, series.Points.Select(p => new Cell[]
    {
        Text(p.Period), Text(p.Group), Cell.Count(p.Feedback), Cell.Count(p.CasesOpened), Cell.Count(p.Complaints), Cell.Count(p.Grievances),
        Cell.Count(p.Acknowledged), Cell.Count(p.Resolved),
        new(p.TimeToAcknowledgeSeconds.P50, p.Acknowledged), new(p.TimeToAcknowledgeSeconds.P90, p.Acknowledged),
        new(p.TimeToResolveSeconds.P50, p.Resolved), new(p.TimeToResolveSeconds.P90, p.Resolved),
        new(p.SlaCompliance.AcknowledgedOnTime, p.Acknowledged), new(p.SlaCompliance.InterimNoticeOnTime, p.CasesOpened),
        new(p.SlaCompliance.ResponseOnTime, p.Resolved), Cell.Count(p.Escalations.Department), Cell.Count(p.Escalations.Executive),
        Cell.Count(p.Discharges), new(p.ComplaintsPer1000Discharges, p.Complaints + p.Grievances), Cell.Count(p.Responses), new(p.Nps, p.Responses),
    }), threshold);

    private static Cell[] KpiRow(KpiReport r)
    {
        var nps = r.Surveys.N;
        return
        [
            Text(r.From), Text(r.To), Text(string.Join(' ', r.Scope.Facilities)), Text(r.Scope.DepartmentId), Text(r.Scope.UnitId),
            Cell.Count(r.Feedback.Total), Cell.Count(r.Feedback.Complaints), Cell.Count(r.Feedback.Grievances), Cell.Count(r.Feedback.Compliments),
            Cell.Count(r.Feedback.Suggestions), Cell.Count(r.Feedback.Questions),
            Cell.Count(r.CasesOpened), Cell.Count(r.Acknowledged), Cell.Count(r.CasesResolved),
            new(r.RatePer1000Discharges.Complaints, r.CasesOpened), new(r.RatePer1000Discharges.Grievances, r.CasesOpened), Cell.Count(r.RatePer1000Discharges.Discharges),
            new(r.TimeToAcknowledgeSeconds.P50, r.Acknowledged), new(r.TimeToAcknowledgeSeconds.P90, r.Acknowledged),
            new(r.TimeToResolveSeconds.P50, r.CasesResolved), new(r.TimeToResolveSeconds.P90, r.CasesResolved),
            new(r.SlaCompliance.AcknowledgedOnTime, r.Acknowledged), new(r.SlaCompliance.InterimNoticeOnTime, r.CasesOpened),
            new(r.SlaCompliance.ResponseOnTime, r.CasesResolved), Cell.Count(r.Escalations.Department), Cell.Count(r.Escalations.Executive),
            .. r.Backlog.Select(b => Cell.Count(b.Open)),
            new(r.Surveys.ResponseRate, nps), new(r.Surveys.Nps, nps), new(r.Surveys.NpsCi95?[0], nps), new(r.Surveys.NpsCi95?[1], nps),
            Cell.Count(nps), Text(r.Surveys.SmallSample ? "true" : "false"), Cell.Count(r.ServiceRecovery.Opened), Cell.Count(r.ServiceRecovery.Resolved),
        ];
    }

    private static Cell Text(object? value) => new(value, long.MaxValue);

    private static string Write(string[] columns, IEnumerable<Cell[]> rows, int threshold)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns).Append("\r\n");
        foreach (var row in rows)
        {
            sb.AppendJoin(',', row.Select(c => c.Basis > 0 && c.Basis < threshold ? "" : Format(c.Value)));
            sb.Append("\r\n");
        }

        return sb.ToString();
    }

    private static string Format(object? value)
    {
        var text = value switch
        {
            null => "",
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }
}
