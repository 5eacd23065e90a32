using System.Globalization;

namespace PatientExperience.LoadTest;

/// <summary>The command line (see <see cref="Usage"/>).</summary>
internal sealed record LoadOptions
{
    public static readonly string[] Modes = ["gateway", "intake", "end-to-end", "survey-responses", "fhir-discharges", "http-baselines", "proxy-overhead", "messaging-baselines", "sweep", ServeBaselinesMode];

    /// <summary>The child process <c>proxy-overhead</c> starts: plain Kestrel and bare YARP in a process of their own.</summary>
    public const string ServeBaselinesMode = "serve-baselines";

    public required string Mode { get; init; }

    public Uri? Target { get; init; }

    public Uri? Intake { get; init; }

    /// <summary><c>standalone</c>: the tool starts the standalone host itself.</summary>
    public string? Start { get; init; }

    /// <summary>Open loop at this many requests a second; null with <see cref="Connections"/> for a closed loop.</summary>
    public double? Rate { get; init; }

    public IReadOnlyList<double> Rates { get; init; } = [];

    public int? Connections { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxInFlight { get; init; } = 2000;

    /// <summary>
    /// Unmeasured load on the whole pipeline before the first measured run (null: <see cref="DefaultPlatformWarmup"/> for a
    /// platform the tool starts, none for <c>--target</c>): a freshly started platform spends its first half minute under
    /// load compiling its code (about 27,000 methods and 8 s of JIT on two cores), which would be measured as the first
    /// step's latency.
    /// </summary>
    public TimeSpan? PlatformWarmup { get; init; }

    public static readonly TimeSpan DefaultPlatformWarmup = TimeSpan.FromSeconds(60);

    /// <summary>The rate of the platform warm-up: low enough for any platform to keep up while it compiles.</summary>
    public const double PlatformWarmupRate = 50;

    public TimeSpan EffectivePlatformWarmup => PlatformWarmup ?? (Start is null ? TimeSpan.Zero : DefaultPlatformWarmup);

    /// <summary><c>one</c> (default): every concern about one unit; <c>all</c>: the demo health system's 18 units in turn.</summary>
    public string Units { get; init; } = "one";

    /// <summary>Read each started process's resident memory this often during the measured load (null: only idle and after).</summary>
    public TimeSpan? MemoryEvery { get; init; }

    /// <summary>End to end: at most this many submissions are read back after the run.</summary>
    public int Sample { get; init; } = 2000;

    public int Messages { get; init; } = 20000;

    public string Out { get; init; } = "loadtest-results.json";

    public string? Plot { get; init; }

    /// <summary><c>serve-baselines</c>: the ports of plain Kestrel and of bare YARP (which forwards to it).</summary>
    public int? KestrelPort { get; init; }

    public int? YarpPort { get; init; }

    public const string Usage = """
        PatientExperience.LoadTest <mode> [options]
          modes: gateway | intake | end-to-end | fhir-discharges | survey-responses   load one operation
                 http-baselines       the same POST to plain Kestrel, bare YARP, intake and the gateway (ratios)
                 proxy-overhead       the gateway against bare YARP, both in processes of their own, both forwarding to
                                      plain Kestrel (starts all three itself; needs the gateway built in this configuration)
                 messaging-baselines  raw RabbitMQ.Client vs MassTransit with the platform's settings (ratio)
                 sweep                end-to-end at each of --rates, then the plot
          --start standalone | --start distributed | --target http://localhost:8080 [--intake http://localhost:5180]
          --rate R (open loop, requests/s) | --connections N (closed loop)      --rates 100,200,400 (sweep)
          --duration 30 --warmup 5 (seconds)   --max-in-flight 2000   --sample 2000 (end to end)
          --platform-warmup 60 (seconds at 50 concerns/s before the first run; default 60 with --start, 0 with --target)
          --memory-every 30 (seconds: read each started process's resident memory during the load, and its trend)
          --units one | all (concerns about one unit, the default, or the demo health system's 18 units in turn)
          --messages 20000 (messaging)         --out loadtest-results.json   --plot docs/benchmarks/latency.svg
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !Modes.Contains(args[0])) throw new ArgumentException($"The first argument must be a mode: {string.Join(", ", Modes)}.");
        var options = new LoadOptions { Mode = args[0] };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
            var value = args[++i];
            options = name switch
            {
                "--target" => options with { Target = new Uri(value) },
                "--intake" => options with { Intake = new Uri(value) },
                "--start" => value is "standalone" or "distributed" ? options with { Start = value } : throw new ArgumentException("--start takes 'standalone' or 'distributed'."),
                "--rate" => options with { Rate = Positive(name, value) },
                "--rates" => options with { Rates = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => Positive(name, v))] },
                "--connections" => options with { Connections = (int)Positive(name, value) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(name, value)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(NotNegative(name, value)) },
                "--max-in-flight" => options with { MaxInFlight = (int)Positive(name, value) },
                "--platform-warmup" => options with { PlatformWarmup = TimeSpan.FromSeconds(NotNegative(name, value)) },
                "--units" => value is "one" or "all" ? options with { Units = value } : throw new ArgumentException("--units takes 'one' or 'all'."),
                "--memory-every" => options with { MemoryEvery = TimeSpan.FromSeconds(Positive(name, value)) },
                "--sample" => options with { Sample = (int)Positive(name, value) },
                "--messages" => options with { Messages = (int)Positive(name, value) },
                "--out" => options with { Out = value },
                "--plot" => options with { Plot = value },
                "--kestrel-port" => options with { KestrelPort = (int)Positive(name, value) },
                "--yarp-port" => options with { YarpPort = (int)Positive(name, value) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        var needsPlatform = options.Mode is not ("messaging-baselines" or "proxy-overhead" or ServeBaselinesMode);
        if (needsPlatform && (options.Target is null) == (options.Start is null))
            throw new ArgumentException("Give exactly one of --target URL and --start standalone|distributed.");
        if (options.Mode is "gateway" or "intake" or "end-to-end" or "fhir-discharges" or "survey-responses" && (options.Rate is null) == (options.Connections is null))
            throw new ArgumentException("Give exactly one of --rate (open loop) and --connections (closed loop).");
        if (options.Mode is "sweep" && options.Rates.Count == 0) throw new ArgumentException("sweep needs --rates.");
        if (options.Mode is "http-baselines" or "proxy-overhead" && (options.Rate is null || options.Connections is null))
            throw new ArgumentException($"{options.Mode} needs --rate (latency at that rate) and --connections (throughput).");
        if (options.Mode is ServeBaselinesMode && (options.KestrelPort is null || options.YarpPort is null))
            throw new ArgumentException($"{ServeBaselinesMode} needs --kestrel-port and --yarp-port.");
        if (options.MemoryEvery is not null && options.Start is null)
            throw new ArgumentException("--memory-every reads the processes the tool starts: give --start standalone|distributed.");
        return options;
    }

    private static double NotNegative(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 ? d : throw new ArgumentException($"{name} must be zero or more.");

    private static double Positive(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new ArgumentException($"{name} must be a positive number.");
}
