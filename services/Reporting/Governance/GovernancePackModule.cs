using Microsoft.Extensions.Options;

namespace PatientExperience.Reporting.Governance;

public static class GovernancePackModule
{
    /// <summary>The pack's sections (in order; add an <see cref="IGovernancePackSection"/> to extend it), renderers, store and schedule.</summary>
    public static IHostApplicationBuilder AddGovernancePacks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GovernancePackOptions>()
            .Bind(builder.Configuration.GetSection(GovernancePackOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GovernancePackOptions>, GovernancePackOptionsValidator>();
        builder.Services.AddSingleton<IGovernancePackSection, VolumesSection>();
        builder.Services.AddSingleton<IGovernancePackSection, ThemesSection>();
        builder.Services.AddSingleton<IGovernancePackSection, TimelinessSection>();
        builder.Services.AddSingleton<IGovernancePackSection, EscalationsSection>();
        builder.Services.AddSingleton<IGovernancePackSection, OverdueGrievancesSection>();
        builder.Services.AddSingleton<IGovernancePackSection, SurveyTrendsSection>();
        builder.Services.AddSingleton<IGovernancePackSection, SignalsSection>();
        builder.Services.AddSingleton<GovernancePackBuilder>();
        builder.Services.AddSingleton<GovernancePackStore>();
        builder.Services.AddSingleton<GovernancePacks>();
        builder.Services.AddHostedService<GovernancePackScheduler>();
        return builder;
    }
}
