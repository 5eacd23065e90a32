using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults.OpenApi;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;
using PatientExperience.Storage.Phi;
using PatientExperience.Storage.Audit;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Invitations;
using PatientExperience.Survey.Outreach;
using PatientExperience.Survey.Outreach.Events;
using PatientExperience.Survey.Policy;
using PatientExperience.Survey.Responding;
using PatientExperience.Survey.Scoring;

namespace PatientExperience.Survey;

public static class SurveyModule
{
    public const string ServiceName = "survey";

    /// <summary>Who edits survey definitions and facilities' survey policies.</summary>
    public static readonly IReadOnlyList<StaffRole> EditorRoles = [StaffRole.Admin, StaffRole.PatientRelations];

    /// <summary>
    /// The survey service: its store, consumers (queues <c>survey-patient-discharged</c>, <c>survey-invitation-due</c>,
    /// <c>survey-outreach-consent</c>, <c>survey-outreach-recruitment</c>, <c>survey-outreach-reminder-due</c>), outbox relay, the shipped templates, and the durable scheduler its invitations and
    /// reminders wait on.
    /// </summary>
    /// <param name="schedulerStore">
    /// The store the process's durable scheduler keeps its messages in: this service's own, unless the process hosts several
    /// services and registered the scheduler for another (standalone mode passes the case service's).
    /// </param>
    public static IHostApplicationBuilder AddSurveyModule(this IHostApplicationBuilder builder, string? schedulerStore = null)
    {
        builder.Services.AddOptions<SurveyOptions>()
            .Bind(builder.Configuration.GetSection(SurveyOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddDocumentStore(ServiceName, DefinitionStore.Definition, SurveyPolicyStore.Definition, InvitationStore.Definition,
            OutreachStore.Definition, OutreachEventStore.Definition, OutreachEventStore.InvitationDefinition, PhiAuditLog.Definition);
        builder.Services.AddPhiProtection<SurveyPhiProtector>(builder.Configuration, ServiceName);
        builder.Services.AddSingleton<DefinitionStore>();
        builder.Services.AddSingleton<SurveyPolicyStore>();
        builder.Services.AddSingleton<InvitationStore>();
        builder.Services.AddSingleton<OutreachStore>();
        builder.Services.AddSingleton<OutreachEventStore>();
        builder.Services.AddPhiAuditLog<SurveyAuditLog>();
        builder.Services.AddPhiReEncryption<SurveyPhiProtector>(ServiceName, [
            PhiCollection.By(InvitationStore.Definition, "id", SurveyInvitation.RecordOf),
            PhiCollection.By(OutreachEventStore.Definition, "id", OutreachEvent.RecordOf),
        ], typeof(SurveyAuditLog));
        builder.Services.AddSingleton<SurveyResultsReader>();
        builder.Services.AddHostedService<TemplateSeeder>();
        builder.Services.AddGrpc();
        builder.Services.DescribeApiTags(
            ("Survey definitions", "Versioned surveys (drafts, publishing, retiring); immutable once published."),
            ("Survey policies", "Each facility's versioned survey policy: delay, response window, reminders, sampling, minimum interval, critical items."),
            ("Survey invitations", "Each discharge's survey decision (eligible or the reason not), its invitation and reminders."),
            ("Survey responses", "The patient's survey behind a single-use link (public, token-protected): read it, answer it once."),
            ("Survey results", "Response rates, NPS and top-box scores per facility and period."),
            ("Outreach", "Respondents who agreed to be approached for focus groups and outreach (read audited); focus groups and community events, their recruitment, attendance and themes."),
            ("Outreach RSVPs", "The invitee's answer to a focus group or community event behind a single-use link (public, token-protected)."));

        // Scheduling the same step twice (a redelivered discharge) replaces its timer rather than adding another.
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<InvitationStepDue>(m => m.TokenId == Guid.Empty ? null : m.TokenId);
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<OutreachReminderDue>(m => m.TokenId == Guid.Empty ? null : m.TokenId);
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<PatientDischargedConsumer>().Endpoint(e => e.Name = "survey-patient-discharged");
            bus.AddConsumer<InvitationStepDueConsumer>().Endpoint(e => e.Name = InvitationTimers.Queue);
            bus.AddConsumer<OutreachConsentRecorder>().Endpoint(e => e.Name = "survey-outreach-consent");
            bus.AddConsumer<OutreachRecruiter>().Endpoint(e => e.Name = OutreachRecruiter.Queue);
            bus.AddConsumer<OutreachReminderConsumer>().Endpoint(e => e.Name = OutreachRecruiter.ReminderQueue);
        });
        builder.AddOutboxRelay(ServiceName);
        builder.AddDurableScheduler(schedulerStore ?? ServiceName);
        return builder;
    }

    /// <summary>The HTTP API (staff, and the public respond endpoints). Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapSurveyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapDefinitionsApi();
        api.MapSurveyPolicyApi();
        api.MapInvitationsApi();
        api.MapRespondApi();
        api.MapResultsApi();
        api.MapOutreachApi();
        api.MapOutreachEventsApi();
        api.MapRsvpApi();
        api.MapAuditApi<SurveyAuditLog>("/audit/survey", "responseId", "Survey");
        return api;
    }

    public static IEndpointRouteBuilder MapSurveyGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<SurveyGrpcService>();
        return app;
    }
}
