using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PatientExperience.LocalRabbitMq;

namespace PatientExperience.AppHost.RabbitMq;

/// <summary>
/// The AppHost's private RabbitMQ node (see <see cref="RabbitMqNodeLayout"/>), run by Aspire as an executable resource. Its
/// data survives restarts of the AppHost, like the services' SQLite files.
/// </summary>
public sealed partial class LocalRabbitMqNode
{
    public LocalRabbitMqNode(LocalRabbitMqSettings settings, string directory)
    {
        Settings = settings;
        Layout = new RabbitMqNodeLayout(directory, settings.NodeName, settings.Port, settings.DistributionPort, settings.ServerPath);
    }

    public LocalRabbitMqSettings Settings { get; }

    public RabbitMqNodeLayout Layout { get; }

    public string Directory => Layout.Directory;

    /// <summary>Everything the server script and <c>rabbitmqctl</c> need to find this node.</summary>
    public IReadOnlyDictionary<string, string> Environment => Layout.Environment;

    public Uri AmqpUri => Layout.AmqpUri();

    /// <summary>Creates the folders and the node's own (empty) configuration files; fails early, with a way out, when a port is taken.</summary>
    public void Prepare()
    {
        Layout.WriteFiles("# Written by the AppHost: listeners come from RABBITMQ_NODE_IP_ADDRESS and RABBITMQ_NODE_PORT.\n", "the AppHost");
        foreach (var (what, port) in new[] { ("AMQP", Settings.Port), ("Erlang distribution", Settings.DistributionPort) })
        {
            if (!IsFree(port))
            {
                throw new AppHostConfigurationException(
                    $"Port {port} ({what} of the local RabbitMQ node {Settings.NodeName}) is in use. A node left by an earlier run can be stopped with " +
                    $"'HOME={Layout.Home} {Layout.CtlPath} -n {Settings.NodeName} stop'; or choose other ports with AppHost:RabbitMq:Port and " +
                    "AppHost:RabbitMq:DistributionPort, or give ConnectionStrings:rabbitmq.");
            }
        }
    }

    /// <summary>
    /// After the AppHost has stopped: waits for the node to exit (Aspire sends the server script SIGTERM, which stops it cleanly),
    /// stops it with <c>rabbitmqctl stop</c> if it is still there after <see cref="LocalRabbitMqSettings.StopTimeoutSeconds"/>
    /// (killing it as the last resort), then stops epmd unless another Erlang node still uses it.
    /// </summary>
    public async Task EnsureStoppedAsync(ILogger logger)
    {
        var timeout = TimeSpan.FromSeconds(Settings.StopTimeoutSeconds);
        if (Layout.ReadPid() is int pid && !await NodeProcess.WaitForExitAsync(pid, timeout))
        {
            LogStillRunning(logger, Settings.NodeName, timeout.TotalSeconds);
            await TryAsync(() => Layout.CtlAsync(["stop", Layout.PidFile], timeout));
            if (!await NodeProcess.WaitForExitAsync(pid, TimeSpan.FromSeconds(5)))
            {
                LogKilling(logger, Settings.NodeName, pid);
                NodeProcess.KillBeam(Layout);
            }
        }

        var epmd = await ErlangPortMapper.StopIfUnusedAsync(Layout.Environment);
        if (epmd.Stopped) LogEpmdStopped(logger);
        else if (epmd.Running) LogEpmdLeft(logger, string.Join("; ", epmd.OtherNodes));
    }

    /// <summary>Runs a tool that may not be installed.</summary>
    private static async Task TryAsync(Func<Task<CliResult>> run)
    {
        try
        {
            await run();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed: the kill below is the way out.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The RabbitMQ node {Node} was still running {Seconds} s after the AppHost stopped; stopping it with rabbitmqctl")]
    private static partial void LogStillRunning(ILogger logger, string node, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The RabbitMQ node {Node} did not stop; killing process {Pid}")]
    private static partial void LogKilling(ILogger logger, string node, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped epmd: no other Erlang node uses it")]
    private static partial void LogEpmdStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Left epmd running: other Erlang nodes use it ({Nodes})")]
    private static partial void LogEpmdLeft(ILogger logger, string nodes);

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
