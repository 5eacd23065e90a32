using PatientExperience.Case.Advocacy;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Escalation;
using PatientExperience.Case.Guidance;
using PatientExperience.Case.Improvement;
using PatientExperience.Case.Sla;
using PatientExperience.Case.Tasks;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Sagas;
using PatientExperience.ServiceDefaults.OpenApi;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;
using PatientExperience.Storage;
using PatientExperience.Storage.Phi;

namespace PatientExperience.Case;

public static class CaseModule
{
    public const string ServiceName = "case";

    public static IHostApplicationBuilder AddCaseModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DirectoryOptions>()
            .Bind(builder.Configuration.GetSection(DirectoryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddDocumentStore(ServiceName, [DirectoryStore.Definition, CaseStore.Definition, CaseStore.ArchiveDefinition, PhiAuditLog.Definition,
            DirectoryStore.PeopleDefinition, DirectoryStore.ChainsDefinition, DirectoryStore.TriageRotasDefinition, SlaPolicyStore.Definition, .. AdvocacyModule.Collections, .. TasksModule.Collections, .. ImprovementModule.Collections, .. GuidanceModule.Collections]);
        builder.Services.AddPhiProtection<CasePhiProtector>(builder.Configuration, ServiceName);
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddPhiAuditLog<CaseAuditLog>();
        builder.Services.AddPhiReEncryption<CasePhiProtector>(ServiceName, [
            PhiCollection.By(CaseStore.Definition, "id", CaseTextReader.RecordOf),
            PhiCollection.By(CaseStore.ArchiveDefinition, "caseId", CaseTextReader.RecordOf),
            PhiCollection.By(Complainants.ComplainantThreadStore.Definition, "caseId", Complainants.ComplainantThread.RecordOf),
            PhiCollection.By(ImprovementActionStore.Definition, "id", ImprovementAction.RecordOf),
        ], typeof(CaseAuditLog));
        builder.Services.AddSingleton<CaseTextReader>();
        builder.Services.AddHostedService<DemoDirectorySeeder>();
        builder.AddOrganisationDirectory();
        builder.AddSlaPolicies();
        builder.AddAdvocacy();
        builder.AddDepartmentTasks();
        builder.AddImprovementActions();
        builder.AddGuidanceLibrary();
        builder.Services.AddGrpc();
        builder.Services.DescribeApiTags(
            ("Directory", "The facilities patients and staff choose from, with their departments and units (public)."),
            ("Directory administration", "Facilities, departments, people and escalation chains: who holds each escalation level (admin)."),
            ("SLA policies", "Each facility's versioned deadlines to acknowledge, send an interim notice and respond, per severity."),
            ("Cases", "The worklist and a case with its classification, SLA clock, timeline, notes, tasks and letters (read audited)."),
            ("Case actions", "Staff actions on a case, each with If-Match: acknowledge, assign, notes, tasks, escalate, letters, resolve, close, reopen, reclassify."),
            ("Advocacy", "Patient advocates with their languages, capacity and caseload; each facility's assignment policy; reassignment when an advocate is on leave."),
            ("Complainant status page", "Public, by the long random token in the acknowledgement: a complainant's case stage and secure messages (rate-limited)."),
            ("Secure messages", "Staff read and answer a complainant's messages on a case (text encrypted at rest, every read audited)."),
            ("Department tasks", "Tasks given to departments on cases, across cases: a department's or a person's worklist, reminders before the due date and escalation to the department head when overdue."),
            ("Improvement actions", "Changes to care processes taken on because of complaints or signals: owner, due date, measure, proposed -> in-progress -> done -> verified with evidence; overdue reminders."),
            ("Guidance", "The advocates' versioned guidance library and patient resources (Markdown, English and Spanish) per category, classification and severity, and what applies to a case."));

        builder.Services.AddSingleton<EscalationPlanner>();
        builder.Services.AddEscalationActivities();
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<FeedbackSubmittedConsumer>().Endpoint(e => e.Name = "case-feedback-submitted");
            bus.AddConsumer<LowSatisfactionDetectedConsumer>().Endpoint(e => e.Name = "case-low-satisfaction-detected");
            bus.AddConsumer<EscalationStatusProjection>().Endpoint(e => e.Name = "case-escalation-status");
            bus.AddSagaStateMachine<EscalationStateMachine, EscalationState>(typeof(EscalationStateDefinition))
                .DocumentRepository(ServiceName, EscalationStateDefinition.Collection);
        });
        builder.AddOutboxRelay(ServiceName);
        builder.AddDurableScheduler(ServiceName);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<CaseMetrics>();
        builder.Services.AddSingleton<PatientExperience.Messaging.Outbox.IOutboxPublishedObserver, CaseEventMetrics>();
        builder.Services.AddHostedService<OpenCasesGauge>();
        return builder;
    }

    /// <summary>The HTTP API. Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapCaseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapFacilitiesApi();
        api.MapDirectoryAdminApi();
        api.MapOnCallApi();
        api.MapSlaPolicyApi();
        api.MapCasesApi();
        api.MapCaseActionsApi();
        api.MapAuditApi<CaseAuditLog>("/audit", "caseId", "Case");
        api.MapAdvocacyApi();
        api.MapTasksApi();
        api.MapImprovementActionsApi();
        api.MapGuidanceApi();
        return api;
    }

    public static IEndpointRouteBuilder MapCaseGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<Grpc.CaseGrpcService>();
        return app;
    }
}
