using System.Globalization;

namespace PatientExperience.FaultRun;

/// <summary>What a fault run does: how many concerns at what rate, how many crashes of each service and broker restarts, and the clocks it checks.</summary>
public sealed record FaultRunOptions
{
    /// <summary>Concerns submitted at the gateway, each with its own Idempotency-Key (retried with it until answered 202).</summary>
    public int Concerns { get; init; } = 1_000;

    /// <summary>Concerns started per second (steady: one every 1/rate seconds, whatever the answers).</summary>
    public double Rate { get; init; } = 25;

    /// <summary>SIGKILLs (each followed by a restart) of each of case, intake, notification and the gateway.</summary>
    public int Kills { get; init; } = 1;

    /// <summary>Clean restarts of the RabbitMQ node (needs the private node this run starts; not possible with RABBITMQ_URI).</summary>
    public int BrokerRestarts { get; init; } = 1;

    /// <summary>
    /// The acknowledgement deadline put in the facility's SLA policy (the services have no test time scale): each level that
    /// does not acknowledge escalates after this long, so every case reaches the executives twice this after it opens.
    /// </summary>
    public TimeSpan AcknowledgeDeadline { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How late a deadline may fire and still count as kept. A deadline falling due while the case service is down fires when
    /// it is back, so this covers a restart on a loaded machine; the report states the largest lateness seen.
    /// </summary>
    public TimeSpan DeadlineTolerance { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait, after the last concern and the last fault, for cases, deadlines and notifications to settle.</summary>
    public TimeSpan QuiescenceTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one concern is retried (gateway or intake down) before it counts as refused.</summary>
    public TimeSpan SubmitBudget { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The demo facility, department and unit the concerns are about (seeded by the case service).</summary>
    public string Facility { get; init; } = "mesa-valley";

    public string Department { get; init; } = "cardiology";

    public string Unit { get; init; } = "cvicu";

    /// <summary>Progress lines (never PHI); null is silent.</summary>
    public Action<string>? Log { get; init; }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"concerns={Concerns} rate={Rate}/s kills={Kills} brokerRestarts={BrokerRestarts} acknowledge={AcknowledgeDeadline.TotalSeconds}s tolerance={DeadlineTolerance.TotalSeconds}s");

    /// <summary>Refuses options that cannot make a run.</summary>
    public void Validate()
    {
        if (Concerns < 1) throw new ArgumentOutOfRangeException(nameof(Concerns), Concerns, "At least one concern.");
        if (Rate is <= 0 or > 10_000) throw new ArgumentOutOfRangeException(nameof(Rate), Rate, "Between 0 and 10,000 per second.");
        if (Kills < 0) throw new ArgumentOutOfRangeException(nameof(Kills), Kills, "Zero or more.");
        if (BrokerRestarts < 0) throw new ArgumentOutOfRangeException(nameof(BrokerRestarts), BrokerRestarts, "Zero or more.");
        if (AcknowledgeDeadline < TimeSpan.FromSeconds(1)) throw new ArgumentOutOfRangeException(nameof(AcknowledgeDeadline), AcknowledgeDeadline, "At least a second.");
    }
}
