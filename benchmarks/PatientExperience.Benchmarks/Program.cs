using PatientExperience.Benchmarks;

// Each benchmark is a measured harness run by name; see docs/benchmarks.md for the commands and the numbers measured.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["scheduler"] = SchedulerLatenessBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project benchmarks/PatientExperience.Benchmarks -- <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
