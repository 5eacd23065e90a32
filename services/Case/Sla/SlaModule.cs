using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PatientExperience.Case.Sla;

public static class SlaModule
{
    /// <summary>
    /// SLA policies (<see cref="ISlaPolicies"/>) and deadline arithmetic (<see cref="IDeadlineCalculator"/>). Needs the
    /// organisation directory (time zones, holidays, regulatory profiles); <see cref="SlaPolicyStore.Definition"/> is passed
    /// to <c>AddDocumentStore</c> by the case module.
    /// </summary>
    public static IHostApplicationBuilder AddSlaPolicies(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<SlaPolicyStore>();
        builder.Services.TryAddSingleton<SlaPolicies>();
        builder.Services.TryAddSingleton<ISlaPolicies>(sp => sp.GetRequiredService<SlaPolicies>());
        builder.Services.TryAddSingleton<DeadlineCalculator>();
        builder.Services.TryAddSingleton<IDeadlineCalculator>(sp => sp.GetRequiredService<DeadlineCalculator>());
        return builder;
    }
}
