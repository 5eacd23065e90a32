using PatientExperience.Contracts.Reporting;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Reporting.Projections;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Signals;

/// <summary>
/// Raises each signal once: records its deterministic id (<see cref="ReportingSignalRaised.IdOf"/>) in
/// <c>report_raised_signals</c> with <see cref="ReportingSignalRaised"/> in the same write's outbox (published by the relay,
/// with the signal id as message id). A signal already recorded (the same unit, measure, rule, interval and period, whatever
/// the period queried) is skipped, so computing signals again, concurrently or after a rebuild publishes nothing twice.
/// </summary>
public sealed class SignalLedger([FromKeyedServices(ReportingModule.ServiceName)] IDocumentStore store, TimeProvider clock)
{
    private readonly IDocumentCollection<RaisedSignal> _raised = store.Collection<RaisedSignal>(ReportingStore.RaisedSignalsDefinition);

    /// <returns>How many of the signals were raised now (the others were raised before).</returns>
    public async Task<int> RaiseAsync(SignalList list, CancellationToken ct)
    {
        var raised = 0;
        foreach (var s in list.Signals)
        {
            var id = ReportingSignalRaised.IdOf(s.FacilityId, s.UnitId, s.Measure, s.Rule, list.Interval, s.Period);
            var now = clock.GetUtcNow();
            var message = new ReportingSignalRaised
            {
                SignalId = id, FacilityId = s.FacilityId, DepartmentId = s.DepartmentId, UnitId = s.UnitId, Measure = s.Measure, Rule = s.Rule,
                Period = s.Period, Interval = list.Interval, Value = s.Value, Centre = s.Centre, UpperLimit = s.UpperLimit, RaisedAt = now,
            };
            try
            {
                await _raised.InsertAsync(id.ToString(), new RaisedSignal { FacilityId = s.FacilityId, RaisedAt = now }, [OutboxMessages.Create(message, now, id)], ct);
                raised++;
            }
            catch (DuplicateDocumentException)
            {
                // raised before: nothing to do
            }
        }

        if (raised > 0) ReportingTelemetry.SignalsRaised.Add(raised);
        return raised;
    }
}

/// <summary>A signal raised (its id is the document id).</summary>
public sealed class RaisedSignal
{
    public required string FacilityId { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
}
