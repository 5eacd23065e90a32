using System.Globalization;
using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace PatientExperience.Testing;

/// <summary>
/// A RabbitMQ broker for integration and end-to-end tests, found in this order: a container (Testcontainers) when a
/// Docker engine answers; the broker named by the <c>RABBITMQ_URI</c> environment variable; a private node started from
/// the installed <c>rabbitmq-server</c>. When none is available, <see cref="SkipReason"/> says why in one line; a local
/// installation that exists but does not start throws, so a broken install fails loudly instead of skipping.
/// </summary>
/// <remarks>Share one broker per test assembly (a fixture) and give each test its own <see cref="CreateVirtualHostAsync"/>.</remarks>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    public const string UriVariable = "RABBITMQ_URI";
    private const string Image = "rabbitmq:3.13-alpine";
    private const string ContainerUser = "pxp";
    private const string ContainerPassword = "pxp";

    private readonly RabbitMqContainer? _container;
    private readonly LocalRabbitMqNode? _node;
    private int _disposed;

    private RabbitMqBroker(string source, string? uri, string? skipReason, string description, RabbitMqContainer? container = null, LocalRabbitMqNode? node = null)
    {
        Source = source;
        Uri = uri;
        SkipReason = skipReason;
        Description = description;
        _container = container;
        _node = node;
    }

    /// <summary><c>amqp://user:pass@host:port/vhost</c> of the broker's default virtual host; null when no broker is available.</summary>
    public string? Uri { get; }

    /// <summary>Why no broker is available (one line, for <c>Assert.Skip</c>); null when <see cref="Uri"/> is set.</summary>
    public string? SkipReason { get; }

    /// <summary>"testcontainers", "environment", "local-node" or "none".</summary>
    public string Source { get; }

    /// <summary>What was resolved, for test output: where the broker runs and how long it took to start.</summary>
    public string Description { get; }

    public bool IsAvailable => Uri is not null;

    public static async Task<RabbitMqBroker> ResolveAsync(CancellationToken cancellationToken = default)
    {
        var reasons = new List<string>();

        var container = await TryStartContainerAsync(reasons, cancellationToken).ConfigureAwait(false);
        if (container is not null)
        {
            var uri = WithVirtualHost(container.GetConnectionString(), "/");
            return new RabbitMqBroker("testcontainers", uri, null, $"container {Image} at {Redact(uri)}", container: container);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(UriVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (!System.Uri.TryCreate(fromEnvironment, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps"))
                throw new InvalidOperationException($"{UriVariable} must be an amqp:// or amqps:// URI.");
            return new RabbitMqBroker("environment", fromEnvironment, null, $"{UriVariable} {Redact(fromEnvironment)}");
        }

        reasons.Add($"{UriVariable} not set");

        if (File.Exists(LocalRabbitMqNode.ServerPath) && File.Exists(LocalRabbitMqNode.CtlPath))
        {
            var node = await LocalRabbitMqNode.StartAsync(cancellationToken).ConfigureAwait(false);
            var uri = node.Uri("/");
            return new RabbitMqBroker("local-node", uri, null,
                string.Create(CultureInfo.InvariantCulture, $"local node {node.NodeName} at {Redact(uri)}, ready in {node.StartupTime.TotalSeconds:0.0} s"),
                node: node);
        }

        reasons.Add("rabbitmq-server not installed");
        var reason = "RabbitMQ unavailable: " + string.Join(", ", reasons);
        return new RabbitMqBroker("none", null, reason, reason);
    }

    /// <summary>
    /// A fresh virtual host, so that tests do not see each other's queues and exchanges; returns its URI. With
    /// <c>RABBITMQ_URI</c> (no management access) the given URI is returned unchanged.
    /// </summary>
    public async Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (Uri is null) throw new InvalidOperationException(SkipReason);

        if (_node is not null) return await _node.CreateVirtualHostAsync(name, cancellationToken).ConfigureAwait(false);

        if (_container is not null)
        {
            foreach (var command in new[]
                     {
                         new[] { "rabbitmqctl", "add_vhost", name },
                         ["rabbitmqctl", "set_permissions", "-p", name, ContainerUser, ".*", ".*", ".*"],
                     })
            {
                var result = await _container.ExecAsync(command, cancellationToken).ConfigureAwait(false);
                if (result.ExitCode != 0)
                    throw new InvalidOperationException($"{string.Join(' ', command)} failed with exit code {result.ExitCode}: {result.Stdout}{result.Stderr}");
            }

            return WithVirtualHost(Uri, name);
        }

        return Uri;
    }

    /// <summary>True when this helper runs the broker itself (a private local node), so it can restart it and list its queues.</summary>
    public bool CanRestart => _node is not null;

    /// <summary>Stops the broker cleanly and starts it again on the same data (a private local node only; see <see cref="CanRestart"/>).</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _node?.RestartAsync(cancellationToken)
            ?? throw new NotSupportedException($"Only a private local node can be restarted by this helper; this broker is {Source}.");
    }

    /// <summary>Every queue of a virtual host with its message count (a private local node only; see <see cref="CanRestart"/>).</summary>
    public Task<IReadOnlyDictionary<string, long>> ListQueuesAsync(string virtualHost, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _node?.ListQueuesAsync(virtualHost, cancellationToken)
            ?? throw new NotSupportedException($"Queues are listed only on a private local node (rabbitmqctl); this broker is {Source}.");
    }

    /// <summary>A fresh virtual host with a unique name ("test-&lt;random&gt;"); returns its URI.</summary>
    public Task<string> CreateVirtualHostAsync(CancellationToken cancellationToken = default) =>
        CreateVirtualHostAsync("test-" + Guid.NewGuid().ToString("N")[..12], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_node is not null) await _node.DisposeAsync().ConfigureAwait(false);
        if (_container is not null) await _container.DisposeAsync().ConfigureAwait(false);
    }

    public override string ToString() => Description;

    private static async Task<RabbitMqContainer?> TryStartContainerAsync(List<string> reasons, CancellationToken cancellationToken)
    {
        RabbitMqContainer? container = null;
        try
        {
            // Without a Docker engine, Build() throws DockerUnavailableException within about a second.
            container = new RabbitMqBuilder(Image).WithUsername(ContainerUser).WithPassword(ContainerPassword).Build();
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch (DockerUnavailableException)
        {
            reasons.Add("no Docker engine");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An engine that answers but cannot run the image (no registry access, say): try the other ways.
            reasons.Add($"Docker engine answered but the container did not start ({ex.GetType().Name}: {FirstLine(ex.Message)})");
        }

        if (container is not null) await container.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>The same broker and credentials with another virtual host ("/" is written %2F).</summary>
    internal static string WithVirtualHost(string uri, string virtualHost)
    {
        var parsed = new System.Uri(uri);
        return parsed.GetLeftPart(UriPartial.Authority) + "/" + System.Uri.EscapeDataString(virtualHost);
    }

    private static string Redact(string uri)
    {
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.UserInfo)) return uri;
        var user = parsed.UserInfo.Split(':', 2)[0];
        return uri.Replace(parsed.UserInfo + "@", user + ":***@", StringComparison.Ordinal);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
