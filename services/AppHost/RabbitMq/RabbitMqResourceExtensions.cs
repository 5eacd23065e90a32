using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PatientExperience.AppHost.RabbitMq;

/// <summary>The local node as an Aspire executable whose connection string services receive with <c>WithReference</c>.</summary>
public sealed class LocalRabbitMqResource(string name, LocalRabbitMqNode node)
    : ExecutableResource(name, node.Settings.ServerPath, node.Directory), IResourceWithConnectionString
{
    public const string AmqpEndpointName = "amqp";

    public EndpointReference AmqpEndpoint => new(this, AmqpEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@{AmqpEndpoint.Property(EndpointProperty.Host)}:{AmqpEndpoint.Property(EndpointProperty.Port)}/");
}

public static class RabbitMqResourceExtensions
{
    /// <summary>
    /// The broker for a local run, in this order: <c>ConnectionStrings:{name}</c> from configuration; else a private node from an
    /// installed <c>rabbitmq-server</c>; else Aspire's RabbitMQ container when a container engine answers. Containers are never
    /// required: without one, and without the other two, the AppHost stops with a message that says what to do.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPlatformRabbitMq(
        this IDistributedApplicationBuilder builder, string name, LocalRabbitMqSettings settings, string dataDirectory, out LocalRabbitMqNode? localNode)
    {
        localNode = null;
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
            return builder.AddConnectionString(name);

        if (File.Exists(settings.ServerPath))
        {
            localNode = new LocalRabbitMqNode(settings, Path.Combine(dataDirectory, "apphost", "rabbitmq"));
            return builder.AddLocalRabbitMq(name, localNode);
        }

        if (ContainerEngineAnswers())
        {
            builder.Services.AddHostedService<StopDependantsFirst>();
            return builder.AddRabbitMQ(name);
        }

        throw new AppHostConfigurationException(
            $"No RabbitMQ for the services: set ConnectionStrings:{name} (for example an amqp:// URI in the environment variable ConnectionStrings__{name}), " +
            $"install the rabbitmq-server package (the AppHost then runs a private node from {settings.ServerPath}), or start a container engine.");
    }

    /// <summary>The node runs in the foreground under Aspire; SIGTERM or SIGINT to the script stops it cleanly.</summary>
    public static IResourceBuilder<LocalRabbitMqResource> AddLocalRabbitMq(this IDistributedApplicationBuilder builder, string name, LocalRabbitMqNode node)
    {
        node.Prepare();
        builder.Services.AddHostedService<StopDependantsFirst>();
        var healthCheckKey = $"{name}-amqp";
        builder.Services.AddKeyedSingleton(healthCheckKey, (_, _) => new AmqpConnectionHealthCheck(node.AmqpUri));
        builder.Services.AddHostedService(sp => sp.GetRequiredKeyedService<AmqpConnectionHealthCheck>(healthCheckKey));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, sp => sp.GetRequiredKeyedService<AmqpConnectionHealthCheck>(healthCheckKey), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(10)));

        var resource = builder.AddResource(new LocalRabbitMqResource(name, node))
            .WithEndpoint(port: node.Settings.Port, name: LocalRabbitMqResource.AmqpEndpointName, scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .WithIconName("Mailbox");
        foreach (var (key, value) in node.Environment) resource.WithEnvironment(key, value);
        return resource;
    }

    /// <summary>Whether a Docker (or <c>ASPIRE_CONTAINER_RUNTIME</c>) engine answers within a few seconds.</summary>
    private static bool ContainerEngineAnswers()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") is { Length: > 0 } r ? r : "docker";
        try
        {
            var start = new ProcessStartInfo(runtime) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "info", "--format", "{{.ServerVersion}}" }) start.ArgumentList.Add(a);
            using var process = Process.Start(start);
            if (process is null) return false;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (process.WaitForExit(TimeSpan.FromSeconds(5))) return process.ExitCode == 0;
            process.Kill(entireProcessTree: true);
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
