using MassTransit;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Sla;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Cases;

/// <summary>
/// Opens exactly one case per submission. A redelivered or duplicated FeedbackSubmitted finds the case already there
/// (or loses the race on the unique submission key) and changes nothing.
/// </summary>
public sealed partial class FeedbackSubmittedConsumer(CaseStore cases, DirectoryStore directory, ISlaPolicies policies, CaseMetrics metrics, TimeProvider clock, ILogger<FeedbackSubmittedConsumer> logger)
    : IConsumer<FeedbackSubmitted>
{
    public async Task Consume(ConsumeContext<FeedbackSubmitted> context)
    {
        var submitted = context.Message;
        if (submitted.Kind == FeedbackKind.Compliment) return; // compliments open no case (intake publishes ComplimentReceived for them)
        if (await cases.FindBySubmissionAsync(submitted.SubmissionId, context.CancellationToken) is not null)
        {
            LogDuplicate(logger, submitted.SubmissionId);
            return;
        }

        var facility = await directory.GetAsync(submitted.FacilityId, context.CancellationToken);
        var timeZone = facility is not null && TimeZoneInfo.TryFindSystemTimeZoneById(facility.TimeZone, out var tz) ? tz : TimeZoneInfo.Utc;
        // The case keeps the facility's profile and the SLA policy version in force when it opened.
        var profile = facility?.RegulatoryProfile ?? RegulatoryProfiles.Default;
        var policy = await policies.CurrentAsync(submitted.FacilityId, context.CancellationToken);
        var opened = await cases.TryOpenAsync(submitted.SubmissionId,
            () => CaseFile.Open(submitted, clock.GetUtcNow(), timeZone, profile, policy.Version), context.CancellationToken);
        if (opened is not null)
        {
            metrics.CaseOpenedFor(submitted, opened);
            LogOpened(logger, opened.Id, opened.CaseNumber, submitted.SubmissionId, submitted.FacilityId);
        }
        else
        {
            LogDuplicate(logger, submitted.SubmissionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened case {CaseId} ({CaseNumber}) for submission {SubmissionId} at {FacilityId}")]
    private static partial void LogOpened(ILogger logger, Guid caseId, string caseNumber, Guid submissionId, string facilityId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {SubmissionId} already has a case; duplicate event ignored")]
    private static partial void LogDuplicate(ILogger logger, Guid submissionId);
}
