using MassTransit;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;

namespace PatientExperience.Case.Escalation;

/// <summary>The escalation saga's endpoint: its own queue, and retry of optimistic-concurrency conflicts.</summary>
public sealed class EscalationStateDefinition : SagaDefinition<EscalationState>
{
    public const string QueueName = "case-escalation";

    /// <summary>Where escalation instances are stored in the case service's database.</summary>
    public static readonly CollectionDefinition Collection = new("escalations");

    public EscalationStateDefinition() => EndpointName = QueueName;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<EscalationState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseSagaConcurrencyRetry(context);
}
