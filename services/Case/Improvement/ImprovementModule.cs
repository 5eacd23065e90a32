using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientExperience.Messaging;
using PatientExperience.Storage;

namespace PatientExperience.Case.Improvement;

/// <summary>Improvement actions: their store, the checks a proposal needs, the overdue timer and notice.</summary>
public static class ImprovementModule
{
    public static readonly CollectionDefinition[] Collections = [ImprovementActionStore.Definition];

    public static IHostApplicationBuilder AddImprovementActions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ImprovementActionStore>();
        builder.Services.AddSingleton<ImprovementActionChecks>();
        builder.Services.TryAddSingleton<Timers>();
        // Setting the timer again (a redelivered event) replaces it rather than adding another.
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<ImprovementActionDue>(m => m.TokenId == Guid.Empty ? null : m.TokenId);
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<ImprovementActionTimers>().Endpoint(e => e.Name = "case-improvement-action-timers");
            bus.AddConsumer<ImprovementActionOverdueConsumer>().Endpoint(e => e.Name = ImprovementActionTimers.Queue);
        });
        return builder;
    }
}
