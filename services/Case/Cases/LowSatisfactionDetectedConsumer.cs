using MassTransit;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Sla;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Cases;

/// <summary>
/// Service recovery: opens exactly one case per survey response that scored poorly or asked for contact. The case's
/// submission key is the response id, so a redelivered or duplicated LowSatisfactionDetected finds the case (or loses the
/// insert race on the unique key) and changes nothing. CaseOpened then starts the escalation saga as for any case.
/// The event carries no PHI; the case keeps intake's discharge id as the reference to the patient's contact.
/// </summary>
public sealed partial class LowSatisfactionDetectedConsumer(CaseStore cases, DirectoryStore directory, ISlaPolicies policies, TimeProvider clock, ILogger<LowSatisfactionDetectedConsumer> logger)
    : IConsumer<LowSatisfactionDetected>
{
    public async Task Consume(ConsumeContext<LowSatisfactionDetected> context)
    {
        var detected = context.Message;
        if (await cases.FindBySurveyResponseAsync(detected.ResponseId, context.CancellationToken) is not null)
        {
            LogDuplicate(logger, detected.ResponseId);
            return;
        }

        var facility = await directory.GetAsync(detected.FacilityId, context.CancellationToken);
        var timeZone = facility is not null && TimeZoneInfo.TryFindSystemTimeZoneById(facility.TimeZone, out var tz) ? tz : TimeZoneInfo.Utc;
        var profile = facility?.RegulatoryProfile ?? RegulatoryProfiles.Default;
        var policy = await policies.CurrentAsync(detected.FacilityId, context.CancellationToken);
        var opened = await cases.TryOpenAsync(detected.ResponseId,
            () => CaseFile.OpenForServiceRecovery(detected, clock.GetUtcNow(), timeZone, profile, policy.Version), context.CancellationToken);
        if (opened is not null) LogOpened(logger, opened.Id, opened.CaseNumber, detected.ResponseId, detected.FacilityId, opened.Classification.ToWire());
        else LogDuplicate(logger, detected.ResponseId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened service-recovery case {CaseId} ({CaseNumber}) for survey response {ResponseId} at {FacilityId} as a {Classification}")]
    private static partial void LogOpened(ILogger logger, Guid caseId, string caseNumber, Guid responseId, string facilityId, string classification);

    [LoggerMessage(Level = LogLevel.Information, Message = "Survey response {ResponseId} already has a case; duplicate event ignored")]
    private static partial void LogDuplicate(ILogger logger, Guid responseId);
}
