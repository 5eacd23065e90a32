using PatientExperience.Messaging;

// pxp error queues: `count <queue>...` and `move <queue> [--max N]`, against the broker in --rabbitmq or ConnectionStrings__rabbitmq.
// See docs/operations.md ("A message in an _error queue").
const string Usage = """
    usage: dotnet run --project tools/ErrorQueue -- count <queue> [<queue>...] [--rabbitmq amqp://user:pass@host:5672/vhost]
           dotnet run --project tools/ErrorQueue -- move <queue> [--max N] [--rabbitmq amqp://...]
    <queue> is the receive endpoint (e.g. notification-case-events); its _error queue is <queue>_error.
    The broker defaults to the environment variable ConnectionStrings__rabbitmq.
    """;

var positional = new List<string>();
string? rabbit = Environment.GetEnvironmentVariable("ConnectionStrings__rabbitmq");
var max = int.MaxValue;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rabbitmq" when i + 1 < args.Length: rabbit = args[++i]; break;
        case "--max" when i + 1 < args.Length && int.TryParse(args[i + 1], out var m) && m > 0: max = m; i++; break;
        case "-h" or "--help": Console.WriteLine(Usage); return 0;
        default: positional.Add(args[i]); break;
    }
}

if (positional.Count < 2 || positional[0] is not ("count" or "move") || (positional[0] == "move" && positional.Count != 2) || string.IsNullOrWhiteSpace(rabbit))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
await using var connection = await ErrorQueues.ConnectAsync(RabbitMqUri.Parse(rabbit), "pxp-error-queue-tool", stop.Token);
if (positional[0] == "count")
{
    foreach (var queue in positional.Skip(1))
    {
        var name = queue.EndsWith(ErrorQueues.Suffix, StringComparison.Ordinal) ? queue : queue + ErrorQueues.Suffix;
        Console.WriteLine($"{name}\t{await ErrorQueues.CountAsync(connection, name, stop.Token)}");
    }

    return 0;
}

var moved = await ErrorQueues.MoveBackAsync(connection, positional[1], max, stop.Token);
Console.WriteLine($"moved {moved} message(s) from {positional[1].Replace(ErrorQueues.Suffix, "")}_error back to {positional[1].Replace(ErrorQueues.Suffix, "")}");
return 0;
