using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.Messaging;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Inbox;
using PatientExperience.Notification.Planning;
using PatientExperience.Notification.Preferences;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults.Grpc;
using PatientExperience.ServiceDefaults.OpenApi;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;
using PatientExperience.Storage.Phi;

namespace PatientExperience.Notification;

public static partial class NotificationModule
{
    public const string ServiceName = "notification";

    /// <summary>
    /// The notification service: its store, consumers (queues <c>notification-case-events</c>, <c>notification-send-notification</c>,
    /// <c>notification-survey-invitations</c>, <c>notification-outreach-messages</c>, <c>notification-delivery</c>), outbox relay, channels and the durable scheduler its retries and deferrals use.
    /// </summary>
    /// <param name="schedulerStore">
    /// The store the process's durable scheduler keeps its messages in: this service's own, unless the process hosts several
    /// services and registered the scheduler for another (standalone mode passes the case service's).
    /// </param>
    public static IHostApplicationBuilder AddNotificationModule(this IHostApplicationBuilder builder, string? schedulerStore = null)
    {
        builder.Services.AddOptions<NotificationOptions>()
            .Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();

        builder.AddDocumentStore(ServiceName, DeliveryStore.Definition, PreferenceStore.Definition, CaseSummaryStore.Definition, Limits.AnonymousEmailLimit.Definition);
        builder.Services.AddPhiProtection<NotificationPhiProtector>(builder.Configuration, ServiceName);
        builder.Services.AddPhiReEncryption<NotificationPhiProtector>(ServiceName, [PhiCollection.By(DeliveryStore.Definition, "id", Delivery.RecordOf)]);
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<PreferenceStore>();
        builder.Services.AddSingleton<CaseSummaryStore>();
        builder.Services.AddSingleton<Limits.AnonymousEmailLimit>();
        builder.Services.AddSingleton<TemplateRenderer>();
        builder.Services.AddSingleton<DevMailbox>();
        builder.Services.AddSingleton<StaffText>();
        builder.Services.AddSingleton<NotificationPlanner>();
        builder.Services.AddSingleton(sp => CreateTransports(sp));
        builder.Services.AddHostedService<ChannelReport>();

        builder.Services.AddHttpClient(ClientCredentialsTokenSource.HttpClientName);

        builder.Services.AddPlatformGrpcClient<CaseService.CaseServiceClient>(builder.Configuration, "Notification:CaseGrpcAddress",
            sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value.CaseGrpcAddress);
        builder.Services.AddPlatformGrpcClient<IntakeService.IntakeServiceClient>(builder.Configuration, "Notification:IntakeGrpcAddress",
            sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value.IntakeGrpcAddress);
        builder.Services.AddSingleton<IServiceTokenSource>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<AuthOptions>>().Value.SigningKey)
            ? ActivatorUtilities.CreateInstance<ClientCredentialsTokenSource>(sp)
            : ActivatorUtilities.CreateInstance<SymmetricServiceTokenSource>(sp));
        builder.Services.AddSingleton<ICaseDirectory, GrpcCaseDirectory>();
        builder.Services.AddSingleton<IPatientContacts, GrpcPatientContacts>();
        builder.Services.AddSingleton<IDischargeContacts, GrpcDischargeContacts>();
        builder.Services.AddSingleton<CasePatientContacts>();
        builder.Services.AddGrpc();
        builder.Services.DescribeApiTags(
            ("Notifications", "Your inbox, your notification preferences (channels per severity, quiet hours), and the delivery status of notifications in your facilities."),
            ("Development", "The development mailbox: what email, SMS and pager would have sent (Development only)."));

        // Scheduling the same attempt twice (a redelivered message) replaces it rather than adding another.
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<DeliveryDue>(m => m.TokenId == Guid.Empty ? null : m.TokenId);
        var concurrency = builder.Configuration.GetValue<int?>($"{NotificationOptions.Section}:{nameof(NotificationOptions.ConcurrentDeliveries)}") ?? 16;
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<CaseEventsConsumer>().Endpoint(e => e.Name = "notification-case-events");
            bus.AddConsumer<SendNotificationConsumer>().Endpoint(e => e.Name = "notification-send-notification");
            bus.AddConsumer<ReportingSignalConsumer>().Endpoint(e => e.Name = "notification-reporting-signals");
            bus.AddConsumer<SurveyInvitationConsumer>().Endpoint(e => e.Name = "notification-survey-invitations");
            bus.AddConsumer<OutreachMessageConsumer>().Endpoint(e => e.Name = "notification-outreach-messages");
            bus.AddConsumer<ComplainantMessageConsumer>().Endpoint(e => e.Name = "notification-complainant-messages");
            bus.AddConsumer<DeliveryWorker>().Endpoint(e =>
            {
                e.Name = "notification-delivery";
                e.ConcurrentMessageLimit = Math.Clamp(concurrency, 1, 256);
            });
        });
        builder.AddOutboxRelay(ServiceName);
        builder.AddDurableScheduler(schedulerStore ?? ServiceName);
        return builder;
    }

    /// <summary>The HTTP API (staff). Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapNotificationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        var notifications = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        notifications.MapInboxApi();
        notifications.MapPreferencesApi();
        notifications.MapDeliveriesApi();
        return api;
    }

    public static IEndpointRouteBuilder MapNotificationGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<NotificationGrpcService>();
        return app;
    }

    /// <summary><c>GET /dev/mailbox</c>, in the Development environment only.</summary>
    public static IEndpointRouteBuilder MapNotificationDevEndpoints(this WebApplication app)
    {
        if (app.Environment.IsDevelopment()) app.MapDevMailbox();
        return app;
    }

    private static ChannelTransports CreateTransports(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<NotificationOptions>>();
        var mailbox = sp.GetRequiredService<DevMailbox>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var smtp = sp.GetRequiredService<IConfiguration>().GetConnectionString(SmtpConnection.ConnectionName);
        // The development mailbox stands in for a missing channel in Development only; anywhere else the channel is not configured.
        IChannelTransport Missing(string channel) => sp.GetRequiredService<IHostEnvironment>().IsDevelopment() ? mailbox.For(channel) : new NotConfiguredTransport();
        // Webhook calls are attempted once: retries are the delivery's own, durable and spaced out, not an HTTP client's (the
        // factory's clients carry the platform's standard resilience handler), so this client is the transports' own.
        var webhookClient = WebhookTransport.CreateHttpClient();
        var transports = new Dictionary<string, IChannelTransport>(StringComparer.Ordinal)
        {
            [Channel.Email] = !string.IsNullOrWhiteSpace(smtp) && SmtpConnection.TryParse(smtp, out var connection, out _)
                ? new SmtpEmailTransport(connection, options, sp.GetRequiredService<ILogger<SmtpEmailTransport>>())
                : Missing(Channel.Email),
        };
        foreach (var (channel, hook) in new[] { (Channel.Sms, options.Value.Sms), (Channel.Pager, options.Value.Pager) })
        {
            transports[channel] = hook.IsConfigured
                ? new WebhookTransport(channel, hook, webhookClient, clock, sp.GetRequiredService<ILogger<WebhookTransport>>())
                : Missing(channel);
        }

        return new ChannelTransports(transports);
    }

    /// <summary>Says at start which transport each channel uses, so a missing configuration is visible at once.</summary>
    private sealed partial class ChannelReport(ChannelTransports transports, ILogger<ChannelTransports> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var (channel, transport) in transports.Describe())
            {
                if (transport == "dev-mailbox") LogDevMailbox(logger, channel);
                else if (transport == NotConfiguredTransport.TransportName) LogNotConfigured(logger, channel);
                else LogTransport(logger, channel, transport);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Notification channel {Channel} uses {Transport}")]
        private static partial void LogTransport(ILogger logger, string channel, string transport);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Notification channel {Channel} has no server or provider configured: its messages go to the development mailbox")]
        private static partial void LogDevMailbox(ILogger logger, string channel);

        [LoggerMessage(Level = LogLevel.Error, Message = "Notification channel {Channel} has no server or provider configured: every message on it fails and falls back to the next channel")]
        private static partial void LogNotConfigured(ILogger logger, string channel);
    }
}
