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
            .ValidateOnStart();

        var modules = builder.Services.Where(d => d.ServiceType == typeof(MessagingModule))
            .Select(d => (MessagingModule)d.ImplementationInstance!).ToList();
        var rabbit = builder.Configuration.GetConnectionString(RabbitMqConnectionName);

        // Constructed before the bus: points MassTransit's process-wide log context at this host's logger factory, so a host
        // started after another was disposed (tests, tools) does not log through a disposed factory.
        builder.Services.AddSingleton<IHostedService, MassTransitLogContextInitializer>();

        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            foreach (var module in modules) module.Configure(x);

            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                var o = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                if (o.PrefetchCount > 0) endpoint.PrefetchCount = o.PrefetchCount;
                if (o.RetryLimit > 0)
                {
                    endpoint.UseMessageRetry(r => r.Exponential(o.RetryLimit, TimeSpan.FromMilliseconds(o.RetryMinIntervalMs),
                        TimeSpan.FromMilliseconds(o.RetryMaxIntervalMs), TimeSpan.FromMilliseconds(o.RetryMinIntervalMs)));
                }
            });

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
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(o.Value.StartTimeoutSeconds);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Publishes the outbox of a service's store. Add after <see cref="AddPlatformMessaging"/> so the bus starts first.</summary>
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<OutboxRelay>(sp, serviceName));
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
        if (context.GetService<DurableSchedulerRegistration>() is null) return;
        var filter = new DurableMessageSchedulerFilter(context.GetRequiredService<ScheduledMessageStore>());
        configurator.AddPrePipeSpecification(new MassTransit.Configuration.FilterPipeSpecification<ConsumeContext>(filter));
    }

    internal sealed record DurableSchedulerRegistration(string ServiceName);

    internal sealed record MessagingModule(Action<IBusRegistrationConfigurator> Configure);

    private sealed class MassTransitLogContextInitializer : IHostedService
    {
        public MassTransitLogContextInitializer(Microsoft.Extensions.Logging.ILoggerFactory loggerFactory) => LogContext.ConfigureCurrentLogContext(loggerFactory);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
