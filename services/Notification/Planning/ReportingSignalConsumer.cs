using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Reporting;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Planning;

/// <summary>
/// Tells the department head(s) of the unit a reporting signal fired for (the department level of the case service's
/// directory, as escalations resolve it) in their inbox and by email: the unit, the measure, the rule, the period, the value
/// against its limits and a link to the console's signals report. Aggregates only, no PHI. Keyed by the signal id, so a
/// redelivered or repeated signal tells nobody twice.
/// </summary>
public sealed partial class ReportingSignalConsumer(
    NotificationPlanner planner, ICaseDirectory directory, IOptions<NotificationOptions> options, ILogger<ReportingSignalConsumer> logger)
    : IConsumer<ReportingSignalRaised>
{
    public const string Event = "reporting-signal";

    public async Task Consume(ConsumeContext<ReportingSignalRaised> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var recipients = await directory.ResolveRecipientsAsync(null, m.FacilityId, m.DepartmentId, EscalationLevel.Department, ct);
        var facility = await planner.FacilityAsync(m.FacilityId, ct);
        var unit = facility.Units.TryGetValue(m.UnitId, out var unitName) ? unitName : m.UnitId;
        var department = m.DepartmentId is { } d ? facility.Departments.GetValueOrDefault(d, d) : null;
        var period = m.Period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var source = new NotificationSource($"{Event}:{m.SignalId}", Event, null, m.FacilityId, Severity.Medium);
        var model = new StaffMessageModel
        {
            Event = Event, FacilityId = m.FacilityId, Facility = facility.Name, Department = department, Unit = unit,
            Severity = Severity.Medium.ToWire(), Level = EscalationLevel.Department.ToWire(), RecipientName = "",
            Link = LinkTo(m),
            Title = $"Signal: {unit}, {Measure(m.Measure)}",
            Message = $"{unit}{(department is null ? "" : $" ({department})")} at {facility.Name}: {Measure(m.Measure)} was {Value(m.Value)} in the {m.Interval} of {period}. "
                + $"Rule: {Rule(m.Rule)} (centre line {Value(m.Centre)}, upper control limit {Value(m.UpperLimit)}).",
        };
        var created = await planner.PlanStaffAsync(source, recipients, model, [Channel.Inbox, Channel.Email], ct);
        LogPlanned(logger, m.SignalId, recipients.Count, created);
    }

    /// <summary>The console's signals report for the unit, from the period the rule fired at.</summary>
    private string LinkTo(ReportingSignalRaised m)
    {
        var from = m.Period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return $"{options.Value.ConsoleBaseUrl.TrimEnd('/')}/reports/signals?facilityId={Uri.EscapeDataString(m.FacilityId)}&unitId={Uri.EscapeDataString(m.UnitId)}&interval={Uri.EscapeDataString(m.Interval)}&from={from}";
    }

    private static string Measure(string measure) => measure == "complaints-per-1000-discharges" ? "complaints per 1,000 discharges" : measure;

    private static string Value(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Rule(SignalRule rule) => rule switch
    {
        SignalRule.AboveUpperLimit => "a point above the upper control limit",
        SignalRule.RunAboveCentre => "8 periods in a row above the centre line",
        _ => rule.ToWire(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "ReportingSignalRaised {SignalId}: {Recipients} recipient(s), {Created} new delivery(ies)")]
    private static partial void LogPlanned(ILogger logger, Guid signalId, int recipients, int created);
}
