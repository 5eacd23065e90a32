using MassTransit;
using PatientExperience.Contracts.Survey;

namespace PatientExperience.Survey.Outreach;

/// <summary>
/// Records the outreach consent a response carries. Driven by the response's own event (written atomically with the
/// response), so a consent is never lost between the two writes; idempotent per response.
/// </summary>
public sealed class OutreachConsentRecorder(OutreachStore store) : IConsumer<SurveyResponseReceived>
{
    public Task Consume(ConsumeContext<SurveyResponseReceived> context)
    {
        var r = context.Message;
        if (!r.OutreachConsent) return Task.CompletedTask;
        return store.AddOnceAsync(new OutreachConsent
        {
            ResponseId = r.ResponseId, FacilityId = r.FacilityId, DepartmentId = r.DepartmentId, UnitId = r.UnitId, Language = r.Language,
            AgeBand = r.AgeBand, ContactReference = r.DischargeId, SurveyId = r.SurveyId, ConsentedAt = r.RespondedAt,
        }, context.CancellationToken);
    }
}
