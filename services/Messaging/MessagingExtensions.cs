using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Messaging.Scheduling;

namespace PatientExperience.Messaging;

public static class MessagingExtensions
{
    public const string RabbitMqConnectionName = "rabbitmq";

    /// <summary>A module's consumers, sagas and endpoints; applied when <see cref="AddPlatformMessaging"/> builds the one bus of the process.</summary>
    public static IServiceCollection AddMessagingModule(this IServiceCollection services, Action<IBusRegistrationConfigurator> configure)
    {
        services.AddSingleton(new MessagingModule(configure));
        return services;
    }

    /// <summary>
    /// For a service that must keep taking work in while RabbitMQ is down because its outbox holds what it accepted (intake):
    /// the host starts without waiting for the broker, and the broker's health check leaves readiness (it keeps the tag
    /// <c>broker</c>), so the service stays in its load balancer. The outbox relay publishes once the bus connects. Call before
    /// <see cref="AddPlatformMessaging"/>; with the in-memory transport it changes nothing.
    /// </summary>
    public static IHostApplicationBuilder AcceptWorkWhileBrokerIsDown(this IHostApplicationBuilder builder)
    {
        if (!builder.Services.Any(d => d.ServiceType == typeof(BrokerOutageTolerance))) builder.Services.AddSingleton(new BrokerOutageTolerance());
        return builder;
    }

    /// <summary>
    /// The one bus of the process, after every module has been added: RabbitMQ when <c>ConnectionStrings:rabbitmq</c> is set,
    /// in-memory otherwise. Durable queues, publisher confirms, retry then the <c>_error</c> queue; the host does not report
    /// started until the bus is.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>()
            .Bind(builder.Configuration.GetSection(MessagingOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMinIntervalMs <= o.RetryMaxIntervalMs, "Messaging:RetryMinIntervalMs must not exceed RetryMaxIntervalMs.")
            // Data annotations do not look inside nested objects: validate the outbox relay's settings explicitly.
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o.Outbox, new System.ComponentModel.DataAnnotations.ValidationContext(o.Outbox), null, validateAllProperties: true),
                "Messaging:Outbox has a value out of range (PollIntervalMs 50-60000, BatchSize 1-10000, LeaseSeconds 1-3600).")
            .Validate(o => o.Outbox.PublishTimeoutSeconds < o.Outbox.LeaseSeconds, "Messaging:Outbox:PublishTimeoutSeconds must be below Messaging:Outbox:LeaseSeconds.")
            .Validate(o => o.Redelivery.IsValid(out _), "Messaging:Redelivery:IntervalsSeconds must hold at most 30 intervals of 1-86400 seconds each.")
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o.ErrorQueues, new System.ComponentModel.DataAnnotations.ValidationContext(o.ErrorQueues), null, validateAllProperties: true),
                "Messaging:ErrorQueues:PollSeconds must be 1-3600.")
            .Validate(o => o.Metrics.SampleSeconds is >= 1 and <= 3600, "Messaging:Metrics:SampleSeconds must be 1-3600.")
            .ValidateOnStart();

        var modules = builder.Services.Where(d => d.ServiceType == typeof(MessagingModule))
            .Select(d => (MessagingModule)d.ImplementationInstance!).ToList();
        var rabbit = builder.Configuration.GetConnectionString(RabbitMqConnectionName);
        var transport = builder.Configuration[$"{MessagingOptions.Section}:{nameof(MessagingOptions.Transport)}"];
        var transportError = TransportChoiceError(transport, rabbit, builder.Environment);
        builder.Services.AddOptions<MessagingOptions>().Validate(_ => transportError is null, transportError ?? "");
        if (string.Equals(transport, MessagingOptions.InMemoryTransport, StringComparison.OrdinalIgnoreCase)) rabbit = null;

        // Constructed before the bus: points MassTransit's process-wide log context at this host's logger factory, so a host
        // started after another was disposed (tests, tools) does not log through a disposed factory.
        builder.Services.AddSingleton<IHostedService, MassTransitLogContextInitializer>();
        // MassTransit attaches exceptions to its fault and retry records, and an exception's message may quote input: its
        // categories log the type and frames instead (FaultRedaction), whichever way its log context finds the factory.
        builder.Services.Replace(ServiceDescriptor.Singleton<Microsoft.Extensions.Logging.ILoggerFactory>(sp =>
            new FaultRedactingLoggerFactory(new Microsoft.Extensions.Logging.LoggerFactory(
                sp.GetServices<Microsoft.Extensions.Logging.ILoggerProvider>(),
                sp.GetRequiredService<IOptionsMonitor<Microsoft.Extensions.Logging.LoggerFilterOptions>>(),
                sp.GetService<IOptions<Microsoft.Extensions.Logging.LoggerFactoryOptions>>(),
                sp.GetService<Microsoft.Extensions.Logging.IExternalScopeProvider>()))));

        var broker = string.IsNullOrWhiteSpace(rabbit) ? null : RabbitMqUri.Parse(rabbit);
        var tolerateBrokerOutage = broker is not null && builder.Services.Any(d => d.ServiceType == typeof(BrokerOutageTolerance));
        builder.Services.AddSingleton(sp => new ErrorQueueMonitor(sp.GetRequiredService<IOptions<MessagingOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ErrorQueueMonitor>>(), broker));
        builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ErrorQueueMonitor>());
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<IHostedService, Telemetry.PipelineMetrics>();
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "error-queues", sp => sp.GetRequiredService<ErrorQueueMonitor>(), Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, ["ready"]));

        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            if (tolerateBrokerOutage)
            {
                x.ConfigureHealthCheckOptions(o =>
                {
                    o.Tags.Remove("ready");
                    o.Tags.Add("broker");
                });
            }

            foreach (var module in modules) module.Configure(x);

            x.AddConfigureEndpointsCallback((context, name, endpoint) => ConfigureFailureHandling(context, name, endpoint));

            if (string.IsNullOrWhiteSpace(rabbit))
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                var uri = RabbitMqUri.Parse(rabbit);
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(uri.Host, uri.Port, uri.VirtualHost, h =>
                    {
                        h.Username(uri.Username);
                        h.Password(uri.Password);
                        h.PublisherConfirmation = true;
                        if (uri.UseTls) h.UseSsl(s => s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
                    });
                    cfg.Durable = true;
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        builder.Services.AddOptions<MassTransitHostOptions>().Configure<IOptions<MessagingOptions>>((host, o) =>
        {
            host.WaitUntilStarted = !tolerateBrokerOutage;
            host.StartTimeout = TimeSpan.FromSeconds(o.Value.StartTimeoutSeconds);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Environments where an unset transport or store falls back to the embedded one: a developer's machine and test hosts.</summary>
    public static bool AllowsImplicitEmbeddedMode(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing");

    private static string? TransportChoiceError(string? transport, string? rabbit, IHostEnvironment environment)
    {
        var hasRabbit = !string.IsNullOrWhiteSpace(rabbit);
        if (string.IsNullOrWhiteSpace(transport))
        {
            return hasRabbit || AllowsImplicitEmbeddedMode(environment) ? null :
                $"ConnectionStrings:rabbitmq is not set in the {environment.EnvironmentName} environment: set it, or choose the embedded " +
                "in-memory transport explicitly with Messaging:Transport=InMemory (messages in flight then live only in this process).";
        }

        if (string.Equals(transport, MessagingOptions.InMemoryTransport, StringComparison.OrdinalIgnoreCase)) return null;
        if (string.Equals(transport, MessagingOptions.RabbitMqTransport, StringComparison.OrdinalIgnoreCase))
            return hasRabbit ? null : "Messaging:Transport=RabbitMq needs ConnectionStrings:rabbitmq.";
        return "Messaging:Transport must be RabbitMq or InMemory.";
    }

    /// <summary>
    /// What happens when a consumer fails, on every receive endpoint: in-memory retries with exponential back-off
    /// (<c>Messaging:RetryLimit</c>), then delayed redelivery through the durable scheduler (<c>Messaging:Redelivery</c>) when the
    /// bus has it, then the <c>_error</c> queue with <see cref="FailureReasons.Header"/>. Messages that cannot be read and
    /// permanent failures (<see cref="FailureReasons.PermanentExceptionTypes"/>) skip the retries and go to <c>_error</c> at once.
    /// </summary>
    private static void ConfigureFailureHandling(IRegistrationContext context, string queue, IReceiveEndpointConfigurator endpoint)
    {
        var o = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
        if (o.PrefetchCount > 0) endpoint.PrefetchCount = o.PrefetchCount;

        // Redelivery first: it wraps the in-memory retries, and takes over once they are spent.
        var scheduler = context.GetService<DurableSchedulerRegistration>();
        if (scheduler is { ConsumeFilterInstalled: true } && o.Redelivery.Intervals.Count > 0)
        {
            endpoint.UseScheduledRedelivery(r =>
            {
                r.Intervals([.. o.Redelivery.Intervals.Select(s => TimeSpan.FromSeconds(s))]);
                r.Ignore(FailureReasons.PermanentExceptionTypes);
                r.ConnectRetryObserver(Telemetry.ConsumerRetryMetrics.RedeliveriesOf(queue));
            });
        }

        if (o.RetryLimit > 0)
        {
            endpoint.UseMessageRetry(r =>
            {
                r.Exponential(o.RetryLimit, TimeSpan.FromMilliseconds(o.RetryMinIntervalMs),
                    TimeSpan.FromMilliseconds(o.RetryMaxIntervalMs), TimeSpan.FromMilliseconds(o.RetryMinIntervalMs));
                r.Ignore(FailureReasons.PermanentExceptionTypes);
                r.ConnectRetryObserver(Telemetry.ConsumerRetryMetrics.RetriesOf(queue));
            });
        }

        var monitor = context.GetService<ErrorQueueMonitor>();
        monitor?.Track(queue);
        endpoint.ConfigureError(e =>
        {
            e.UseFilter(new FailureReasonFilter(monitor is null ? null : monitor.MovedToErrorQueue));
            e.UseFilter(new MassTransit.Middleware.GenerateFaultFilter());
            e.UseFilter(new MassTransit.Middleware.ErrorTransportFilter());
        });
    }

    /// <summary>Publishes the outbox of a service's store. Add after <see cref="AddPlatformMessaging"/> so the bus starts first.</summary>
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<OutboxRelay>(sp, serviceName));
        builder.Services.AddSingleton(new Telemetry.OutboxMetricsSource(serviceName));
        return builder;
    }

    /// <summary>
    /// The message scheduler of the process, for sagas (<c>Schedule</c>/<c>Unschedule</c>), consumers (<c>ScheduleSend</c>) and
    /// code outside consumers (<see cref="IMessageScheduler"/>): scheduled messages are kept in the store of
    /// <paramref name="serviceName"/> (collection <c>scheduled_messages</c>, created with the store's own collections) and a
    /// dispatcher sends them when due: at least once (with their token as message id, so a repeat is recognisable), well within
    /// a second of their time while the process and the broker are up, and as soon as they are back after a restart of
    /// either. Needs <c>AddDocumentStore(serviceName, ...)</c>; several replicas may share the store.
    /// Options: <c>Messaging:Scheduler</c> (<see cref="DurableSchedulerOptions"/>).
    /// </summary>
    /// <remarks>
    /// A process has one scheduler, as its bus has one: calling this again with the same name changes nothing, with another name
    /// throws. Where several services share a process (standalone mode), register it once for the process.
    /// </remarks>
    public static IHostApplicationBuilder AddDurableScheduler(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var existing = builder.Services.Where(d => d.ServiceType == typeof(DurableSchedulerRegistration))
            .Select(d => (DurableSchedulerRegistration)d.ImplementationInstance!).FirstOrDefault();
        if (existing is not null)
        {
            if (existing.ServiceName == serviceName) return builder;
            throw new InvalidOperationException(
                $"The durable scheduler of this process already keeps its messages in the store of '{existing.ServiceName}'; " +
                $"a process has one message scheduler, so AddDurableScheduler(\"{serviceName}\") cannot add another. Register it once for the process.");
        }

        builder.Services.AddSingleton(new DurableSchedulerRegistration(serviceName));
        builder.Services.AddOptions<DurableSchedulerOptions>()
            .Bind(builder.Configuration.GetSection(DurableSchedulerOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.SendTimeoutSeconds < o.LeaseSeconds, "Messaging:Scheduler:SendTimeoutSeconds must be below Messaging:Scheduler:LeaseSeconds.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ScheduledMessageStore(serviceName, sp, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ScheduledMessageStore>().SchedulerFor(sp.GetRequiredService<IBus>()));
        builder.Services.AddSingleton<IHostedService, ScheduledMessageDispatcher>();
        return builder;
    }

    /// <summary>
    /// Gives every consume context of the bus the durable message scheduler registered by <see cref="AddDurableScheduler"/>;
    /// does nothing when none is. <see cref="AddPlatformMessaging"/> calls it for both transports; call it yourself only for a
    /// bus configured elsewhere (the MassTransit test harness: <c>UsingInMemory((context, cfg) =&gt; { cfg.UseDurableMessageScheduler(context); cfg.ConfigureEndpoints(context); })</c>).
    /// </summary>
    public static void UseDurableMessageScheduler(this IBusFactoryConfigurator configurator, IBusRegistrationContext context)
    {
        var registration = context.GetService<DurableSchedulerRegistration>();
        if (registration is null) return;
        // Delayed redelivery needs the scheduler in every consume context: endpoints configured from here on may use it.
        registration.ConsumeFilterInstalled = true;
        var filter = new DurableMessageSchedulerFilter(context.GetRequiredService<ScheduledMessageStore>());
        configurator.AddPrePipeSpecification(new MassTransit.Configuration.FilterPipeSpecification<ConsumeContext>(filter));
    }

    internal sealed record DurableSchedulerRegistration(string ServiceName)
    {
        public bool ConsumeFilterInstalled { get; set; }
    }

    internal sealed record BrokerOutageTolerance;

    internal sealed record MessagingModule(Action<IBusRegistrationConfigurator> Configure);

    private sealed class MassTransitLogContextInitializer : IHostedService
    {
        public MassTransitLogContextInitializer(Microsoft.Extensions.Logging.ILoggerFactory loggerFactory) => LogContext.ConfigureCurrentLogContext(loggerFactory);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
