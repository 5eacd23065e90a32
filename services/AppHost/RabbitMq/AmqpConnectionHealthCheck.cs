using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace PatientExperience.AppHost.RabbitMq;

/// <summary>
/// Healthy once a broker completes an AMQP handshake (not merely accepts TCP). Keeps that one connection open and reports on
/// it, so the dashboard's periodic checks do not open and close a connection every few seconds. Also a hosted service: it
/// closes that connection as the AppHost starts to stop, before the broker does.
/// </summary>
internal sealed class AmqpConnectionHealthCheck(Uri uri) : IHealthCheck, IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private volatile bool _stopping;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await DisposeConnectionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopping) return HealthCheckResult.Unhealthy("The AppHost is stopping.");
            if (_connection is { IsOpen: true }) return HealthCheckResult.Healthy();
            await DisposeConnectionAsync();
            var factory = new ConnectionFactory
            {
                Uri = uri,
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = "pxp-apphost health check",
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"No AMQP connection to {uri.Host}:{uri.Port} yet ({e.GetType().Name}).");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeConnectionAsync();
        _gate.Dispose();
    }

    private async Task DisposeConnectionAsync()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is null) return;
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The broker is gone or going: nothing left to close.
        }
    }
}
