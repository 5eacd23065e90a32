using PatientExperience.ServiceDefaults.OpenApi;
using PatientExperience.Messaging;
using PatientExperience.Reporting.Charts;
using PatientExperience.Reporting.Governance;
using PatientExperience.Reporting.Improvement;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Projections;
using PatientExperience.Reporting.Signals;
using PatientExperience.Storage;

namespace PatientExperience.Reporting;

public static class ReportingModule
{
    public const string ServiceName = "reporting";

    /// <summary>
    /// The reporting service: its store (facts per subject and pre-aggregated unit-days), the projection of every published
    /// event (queue <c>reporting-events</c>), the KPI queries HTTP and gRPC share, the signals, and the outbox relay that
    /// publishes <c>ReportingSignalRaised</c>.
    /// </summary>
    public static IHostApplicationBuilder AddReportingModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReportingOptions>()
            .Bind(builder.Configuration.GetSection(ReportingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddDocumentStore(ServiceName, [.. ReportingStore.AllDefinitions, ImprovementActionsReadModel.Definition]);
        builder.Services.AddSingleton<ReportingStore>();
        // Before the consumers (the bus starts later): a store written by an earlier version is brought to the current shape.
        builder.Services.AddHostedService<LegacyDayEntries>();
        builder.Services.AddSingleton<ProjectionBatcher>();
        builder.Services.AddSingleton<KpiQuery>();
        builder.Services.AddSingleton<SignalsQuery>();
        builder.Services.AddSingleton<SignalLedger>();
        builder.Services.AddOptions<SignalEvaluationOptions>()
            .Bind(builder.Configuration.GetSection(SignalEvaluationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SignalEvaluation>();
        builder.Services.AddHostedService<SignalEvaluationService>();
        builder.Services.AddSingleton<ReportCharts>();
        builder.AddGovernancePacks();
        builder.Services.DescribeApiTags(
            ("Reports", "Aggregates for management from every event: KPIs per facility, department and unit, series, the cross-facility comparison; CSV with Accept: text/csv."),
            ("Charts", "The main series drawn as SVG or PNG (ScottPlot): volumes by category, timeliness, SLA compliance, escalations, NPS and a unit's u-chart."),
            ("Governance packs", "The monthly report per facility for the grievance committee and the board, as PDF or HTML: produced on demand, and generated and stored on the first working day of each month."),
            ("Signals", "Statistical signals computed on demand: complaint rates per unit on a u-chart (points above the upper limit, runs above the centre line) and the complaint categories rising against the previous period."));
        builder.Services.AddGrpc();
        builder.Services.AddMessagingModule(bus =>
        {
            var ingest = builder.Configuration.GetSection(ReportingOptions.Section).Get<ReportingOptions>() ?? new ReportingOptions();
            bus.AddConsumer<ReportingEventsConsumer>().Endpoint(e =>
            {
                e.Name = ReportingEventsConsumer.Queue;
                // Many events in hand at once, so the projection writes them in batches (ProjectionBatcher).
                e.ConcurrentMessageLimit = ingest.IngestConcurrentMessages;
                e.PrefetchCount = ingest.IngestConcurrentMessages * 2;
            });
        });
        builder.AddImprovementActionsReadModel();
        builder.AddOutboxRelay(ServiceName);
        return builder;
    }

    /// <summary>The HTTP API. Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapReportingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapReportsApi();
        api.MapSignalsApi();
        api.MapChartsApi();
        api.MapGovernancePackApi();
        return api;
    }

    public static IEndpointRouteBuilder MapReportingGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<ReportingGrpcService>();
        return app;
    }
}
