using System.Globalization;
using PatientExperience.FaultRun;

// The fault run (docs/operations.md, "The fault run"; results in docs/benchmarks.md). Exit 0: nothing lost or doubled;
// 1: a loss or a duplicate (the JSON report says which); 2: bad arguments; 3: no RabbitMQ; 4: the platform did not start or recover.
const string Usage = """
    usage: dotnet run -c Release --project tools/FaultRun -- [--concerns N] [--rate R] [--kills K] [--broker-restarts B]
               [--acknowledge SECONDS] [--tolerance SECONDS] [--quiescence SECONDS] [--report FILE]
    Starts case, intake, notification and the gateway as processes over a private RabbitMQ node (or RABBITMQ_URI: then no
    broker restarts), submits N concerns at R a second, SIGKILLs and restarts each service K times and restarts the broker
    B times, waits for quiescence and reconciles. Defaults: 1000 concerns, 25/s, 1 kill each, 1 broker restart, a 15 s
    acknowledgement deadline, 60 s tolerance, report to faultrun-report.json.
    """;

var options = new FaultRunOptions { Log = line => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:HH:mm:ss} {line}")) };
var reportPath = "faultrun-report.json";
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
        double Seconds() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (args[i] == "--report")
        {
            reportPath = Next();
            continue;
        }

        options = args[i] switch
        {
            "--concerns" => options with { Concerns = int.Parse(Next(), CultureInfo.InvariantCulture) },
            "--rate" => options with { Rate = double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture) },
            "--kills" => options with { Kills = int.Parse(Next(), CultureInfo.InvariantCulture) },
            "--broker-restarts" => options with { BrokerRestarts = int.Parse(Next(), CultureInfo.InvariantCulture) },
            "--acknowledge" => options with { AcknowledgeDeadline = TimeSpan.FromSeconds(Seconds()) },
            "--tolerance" => options with { DeadlineTolerance = TimeSpan.FromSeconds(Seconds()) },
            "--quiescence" => options with { QuiescenceTimeout = TimeSpan.FromSeconds(Seconds()) },
            "-h" or "--help" => throw new OperationCanceledException(),
            _ => throw new FormatException($"Unknown argument {args[i]}."),
        };
    }

    options.Validate();
}
catch (OperationCanceledException)
{
    Console.WriteLine(Usage);
    return 0;
}
catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
FaultRunReport? report;
string? skipReason;
try
{
    (report, skipReason) = await FaultRunner.RunAsync(options, stop.Token);
}
catch (InvalidOperationException ex)
{
    // A service or the broker did not come back: the run proves nothing either way. The message ends with the processes' output.
    Console.Error.WriteLine(ex.Message);
    Console.WriteLine("result=ERROR " + ex.InnerException?.GetType().Name);
    return 4;
}

if (report is null)
{
    Console.Error.WriteLine(skipReason);
    return 3;
}

await File.WriteAllTextAsync(reportPath, report.ToJson());
Console.WriteLine(report.Summary());
Console.Error.WriteLine($"report: {Path.GetFullPath(reportPath)}");
return report.Passed ? 0 : 1;
