namespace PatientExperience.AppHost;

/// <summary>Bound from <c>AppHost</c> in the AppHost's own configuration (appsettings.json, environment, command line).</summary>
public sealed class AppHostSettings
{
    public const string Section = "AppHost";

    /// <summary>Where the local run keeps its data, relative to the repository root: <c>distributed/</c> (the services' SQLite files) and <c>apphost/rabbitmq/</c>.</summary>
    public string DataDirectory { get; set; } = ".data";

    public LocalRabbitMqSettings RabbitMq { get; set; } = new();
}

/// <summary>The private RabbitMQ node started when no <c>ConnectionStrings:rabbitmq</c> is given and <c>rabbitmq-server</c> is installed.</summary>
public sealed class LocalRabbitMqSettings
{
    /// <summary>The server script itself, not the <c>/usr/sbin/rabbitmq-server</c> wrapper (which switches user and does not stop cleanly).</summary>
    public string ServerPath { get; set; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public string NodeName { get; set; } = "pxp-apphost@localhost";

    /// <summary>AMQP port, on 127.0.0.1 only. Not 5672, so a system RabbitMQ can keep running beside it.</summary>
    public int Port { get; set; } = 5673;

    /// <summary>Erlang distribution port (what <c>rabbitmqctl</c> talks to).</summary>
    public int DistributionPort { get; set; } = 25673;

    /// <summary>How long the AppHost waits, after it stopped, for the node to exit before it stops it itself.</summary>
    public int StopTimeoutSeconds { get; set; } = 30;
}
