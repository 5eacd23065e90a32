using System.Text.Json;

namespace PatientExperience.LoadTest.Tests;

public sealed class ReportTests
{
    [Fact]
    public void The_histogram_reports_percentiles_in_milliseconds_within_its_precision()
    {
        var recorder = new LatencyRecorder();
        for (var ms = 1; ms <= 1000; ms++) recorder.Record(TimeSpan.Zero, TimeSpan.FromMilliseconds(ms), RequestOutcome.Ok(202));

        var summary = recorder.Summarise();

        Assert.Equal(1000, summary.Count);
        Assert.InRange(summary.P50, 499.5, 500.5);
        Assert.InRange(summary.P95, 949.5, 950.5);
        Assert.InRange(summary.P99, 989.5, 990.5);
        Assert.InRange(summary.Max, 999.5, 1000.5);
        Assert.InRange(summary.Mean, 500, 501);
    }

    [Fact]
    public void A_run_is_written_as_json_with_its_counts_latencies_and_statuses_and_as_one_summary_line()
    {
        var recorder = new LatencyRecorder();
        recorder.Record(TimeSpan.Zero, TimeSpan.FromMilliseconds(2), RequestOutcome.Ok(202));
        recorder.Record(TimeSpan.Zero, TimeSpan.FromMilliseconds(4), RequestOutcome.Ok(202));
        recorder.Record(TimeSpan.Zero, TimeSpan.FromMilliseconds(9), RequestOutcome.Failed(503));
        var measurement = new RunMeasurement(3, recorder.Succeeded, recorder.Failed, 0, TimeSpan.FromSeconds(1), recorder.Summarise(), recorder.Statuses);
        var report = RunReport.From("gateway", measurement, 400, null, TimeSpan.FromSeconds(30)) with
        {
            EndToEnd = EndToEndProbe.Summarise(
                [(T(0), T(0.002)), (T(1), T(1.010))], missing: 1, totalSubmissions: 400),
        };

        var results = new LoadResults { StartedAt = T(0), Command = "x", Machine = new MachineInfo(2, "linux", ".NET", [1, 2, 3], null), Runs = [report] };
        var json = JsonDocument.Parse(results.ToJson()).RootElement.GetProperty("runs")[0];

        Assert.Equal("open", json.GetProperty("loop").GetString());
        Assert.Equal(400, json.GetProperty("offeredRate").GetDouble());
        Assert.Equal(2, json.GetProperty("succeeded").GetInt64());
        Assert.Equal(1, json.GetProperty("statuses").GetProperty("503").GetInt64());
        Assert.InRange(json.GetProperty("latency").GetProperty("p50").GetDouble(), 1.99, 2.01);
        Assert.Equal(2, json.GetProperty("endToEnd").GetProperty("cases").GetInt32());
        Assert.Equal(1, json.GetProperty("endToEnd").GetProperty("missing").GetInt32());
        Assert.InRange(json.GetProperty("endToEnd").GetProperty("latency").GetProperty("max").GetDouble(), 9.99, 10.01);
        Assert.Equal(396, json.GetProperty("endToEnd").GetProperty("casesPerSecond").GetDouble(), precision: 0); // 400 over 1.010 s
        Assert.Equal(
            "gateway open 400/s 30 s: 3 sent, 2 ok (2.0/s), 1 failed, p50 2 p95 4 p99 4 max 4 ms; to case (2 cases, 1 missing): p50 2 p95 10.01 p99 10.01 max 10.01 ms, trend +8 ms/s, 396.0 cases/s",
            report.SummaryLine());
    }

    [Fact]
    public void End_to_end_reads_back_at_most_the_sample_size_spread_over_the_run_with_its_first_and_last_submission()
    {
        var ids = Enumerable.Range(0, 10_000).ToList();

        var sample = EndToEndProbe.Sample(ids, 100);

        Assert.Equal(100, sample.Count);
        Assert.Equal(0, sample[0]);
        Assert.Equal(9_999, sample[^1]);
        Assert.True(sample.Zip(sample.Skip(1)).All(p => p.Second - p.First is >= 100 and <= 102));
        Assert.Same(ids, EndToEndProbe.Sample(ids, 20_000));
    }

    [Fact]
    public void The_trend_tells_a_growing_queue_from_a_polling_cycle()
    {
        // A queue growing by 50 ms every second of a 10 s run, and the saw-tooth of a 1 s poll over 100 s that never grows.
        var queue = Enumerable.Range(0, 100).Select(i => new EndToEndSample(i / 10.0, 20 + 50 * (i / 10.0))).ToList();
        var poll = Enumerable.Range(0, 1000).Select(i => new EndToEndSample(i / 10.0, 100 * (i % 10))).ToList();

        Assert.Equal(50, EndToEndResult.Trend(queue), precision: 1);
        Assert.InRange(EndToEndResult.Trend(poll), -1, 1);
        Assert.Equal(0, EndToEndResult.Trend([new EndToEndSample(1, 5)]));
    }

    [Theory]
    [InlineData("gateway --rate 100")]
    [InlineData("gateway --start standalone --target http://localhost:8080 --rate 100")]
    [InlineData("gateway --start standalone --rate 100 --connections 8")]
    [InlineData("gateway --start standalone")]
    [InlineData("sweep --start standalone")]
    [InlineData("fly --start standalone --rate 1")]
    [InlineData("intake --start standalone --rate -5")]
    [InlineData("end-to-end --start cluster --rate 5")]
    public void Contradictory_or_incomplete_command_lines_are_refused(string commandLine) =>
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(commandLine.Split(' ')));

    [Fact]
    public void A_sweep_takes_its_rates_and_a_messaging_baseline_needs_no_platform()
    {
        var sweep = LoadOptions.Parse("sweep --start standalone --rates 100,200,400 --duration 20 --plot x.svg".Split(' '));
        var messaging = LoadOptions.Parse("messaging-baselines --messages 5000".Split(' '));

        var distributed = LoadOptions.Parse("sweep --start distributed --rates 50".Split(' '));

        Assert.Equal("distributed", distributed.Start);
        Assert.Equal([100, 200, 400], sweep.Rates);
        Assert.Equal(TimeSpan.FromSeconds(20), sweep.Duration);
        Assert.Equal(5000, messaging.Messages);
    }

    [Fact]
    public void A_started_platform_is_warmed_up_for_a_minute_unless_told_and_a_given_one_is_not()
    {
        var started = LoadOptions.Parse("end-to-end --start standalone --rate 100".Split(' '));
        var told = LoadOptions.Parse("end-to-end --start distributed --rate 100 --platform-warmup 0 --memory-every 30".Split(' '));
        var target = LoadOptions.Parse("end-to-end --target http://localhost:8080 --rate 100".Split(' '));

        Assert.Equal(TimeSpan.FromSeconds(60), started.EffectivePlatformWarmup);
        Assert.Equal(TimeSpan.Zero, told.EffectivePlatformWarmup);
        Assert.Equal(TimeSpan.FromSeconds(30), told.MemoryEvery);
        Assert.Equal(TimeSpan.Zero, target.EffectivePlatformWarmup);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse("end-to-end --target http://localhost:8080 --rate 100 --memory-every 30".Split(' ')));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse("end-to-end --start standalone --rate 100 --platform-warmup -1".Split(' ')));
    }

    [Fact]
    public void Memory_that_levels_off_shows_no_growth_in_the_second_half_and_a_leak_shows_its_rate()
    {
        // Ten minutes read every 30 s: "steady" fills up in the first two minutes then holds; "leaking" grows 3 MB a minute throughout.
        var samples = Enumerable.Range(0, 21).SelectMany(i => new[]
        {
            new MemorySample(i * 30, "steady", 200 + Math.Min(i, 4) * 50 + (i % 2 == 0 ? 1 : -1)),
            new MemorySample(i * 30, "leaking", 150 + i * 1.5),
        }).ToList();

        var trends = MemoryTrend.From(samples).ToDictionary(t => t.Process);

        Assert.Equal(0, trends["steady"].SecondHalfMbPerMinute, 0.2);
        Assert.Equal(3, trends["leaking"].SecondHalfMbPerMinute, 0.01);
        Assert.Equal((21, 201d, 401d, 401d), (trends["steady"].Samples, trends["steady"].First, trends["steady"].Max, trends["steady"].Last));
        Assert.Equal(150, trends["leaking"].Min);
    }

    [Fact]
    public void Concerns_spread_over_all_units_name_every_unit_of_the_demo_health_system_in_turn_and_one_unit_by_default()
    {
        using var demo = JsonDocument.Parse(File.ReadAllText(Path.Combine(PatientExperience.Testing.RepositoryPaths.Root, "services", "Case", "Organisation", "demo-health-system.json")));
        var seeded = demo.RootElement.GetProperty("facilities").EnumerateArray().SelectMany(f => f.GetProperty("departments").EnumerateArray()
            .SelectMany(d => d.GetProperty("units").EnumerateArray().Select(u => new Scenarios.UnitRef(f.GetProperty("id").GetString()!, d.GetProperty("id").GetString()!, u.GetProperty("id").GetString()!))))
            .ToList();

        Scenarios.UnitRef About(long index, IReadOnlyList<Scenarios.UnitRef>? units)
        {
            var body = JsonDocument.Parse(Scenarios.FeedbackBody(index, units)).RootElement;
            return new Scenarios.UnitRef(body.GetProperty("facilityId").GetString()!, body.GetProperty("departmentId").GetString()!, body.GetProperty("unitId").GetString()!);
        }

        Assert.Equal(seeded, Scenarios.DemoUnits);
        Assert.Equal(seeded, Enumerable.Range(0, seeded.Count).Select(i => About(i, Scenarios.DemoUnits)));
        Assert.Equal(About(0, Scenarios.DemoUnits), About(seeded.Count, Scenarios.DemoUnits));
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(Scenarios.OneUnit[0], About(i, null)));
        Assert.Equal("all", LoadOptions.Parse("end-to-end --start standalone --rate 10 --units all".Split(' ')).Units);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse("end-to-end --start standalone --rate 10 --units some".Split(' ')));
    }

    private static DateTimeOffset T(double seconds) => new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds);
}
