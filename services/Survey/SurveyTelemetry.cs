using System.Diagnostics;
using System.Diagnostics.Metrics;
using PatientExperience.ServiceDefaults;

namespace PatientExperience.Survey;

/// <summary>The survey service's traces and counters (under the platform's telemetry name, which every process exports).</summary>
public static class SurveyTelemetry
{
    public static readonly ActivitySource Source = new(Extensions.PlatformTelemetryName);

    private static readonly Meter Meter = new(Extensions.PlatformTelemetryName);

    /// <summary>Discharges taken in, tagged <c>outcome</c> (scheduled or ineligible) and <c>reason</c>.</summary>
    public static readonly Counter<long> Discharges = Meter.CreateCounter<long>("pxp.survey.discharges", description: "Discharges received, by outcome and ineligibility reason.");

    /// <summary>Invitations and reminders sent to the notification service, tagged <c>reminder</c> (0 for the invitation) and <c>facility</c>.</summary>
    public static readonly Counter<long> InvitationsSent = Meter.CreateCounter<long>("pxp.survey.invitations.sent", description: "Survey invitations and reminders sent, by facility and step (reminder 0 is the invitation).");

    public static readonly Counter<long> Responses = Meter.CreateCounter<long>("pxp.survey.responses", description: "Survey responses scored, by facility.");

    public static readonly Counter<long> LowSatisfaction = Meter.CreateCounter<long>("pxp.survey.low_satisfaction", description: "Responses that raised LowSatisfactionDetected (poor score or contact asked), by facility.");

    /// <summary>Outreach invitations sent to consenting respondents, by facility.</summary>
    public static readonly Counter<long> OutreachInvitations = Meter.CreateCounter<long>("pxp.survey.outreach.invitations", description: "Outreach event invitations sent to consenting respondents, by facility.");

    /// <summary>Outreach RSVPs recorded, tagged <c>attending</c> (true or false) and <c>facility</c>.</summary>
    public static readonly Counter<long> OutreachRsvps = Meter.CreateCounter<long>("pxp.survey.outreach.rsvps", description: "Outreach RSVPs recorded, by facility and answer.");
}
