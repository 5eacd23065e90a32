namespace PatientExperience.LoadTest.Tests;

public sealed class LoadRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void An_open_loop_schedule_sends_rate_times_duration_requests_each_at_index_over_rate()
    {
        var schedule = new OpenLoopSchedule(400, TimeSpan.FromSeconds(2.5));

        Assert.Equal(1000, schedule.Count);
        Assert.Equal(TimeSpan.Zero, schedule.IntendedAt(0));
        Assert.Equal(TimeSpan.FromMilliseconds(2.5), schedule.IntendedAt(1));
        Assert.Equal(TimeSpan.FromMilliseconds(2497.5), schedule.IntendedAt(999));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(10, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_stall_counts_as_latency_for_every_request_that_was_due_during_it_and_none_is_skipped()
    {
        // 100/s for 1 s; request 10 (due at 100 ms) holds the sender for 500 ms, as a GC pause or a blocked connection would.
        var clock = new ManualClock();
        var sent = new List<long>();
        SendRequest send = (index, _) =>
        {
            sent.Add(index);
            if (index == 10) clock.Advance(TimeSpan.FromMilliseconds(500));
            return Task.FromResult(RequestOutcome.Ok(202));
        };

        var run = await LoadRunner.OpenLoopAsync(new OpenLoopSchedule(100, TimeSpan.FromSeconds(1)), send, clock, maxInFlight: 10, Ct);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), sent); // all sent, in order: the stall did not thin the load
        Assert.Equal(100, run.Succeeded);
        Assert.Equal(500, run.Latency.Max, precision: 0); // request 10: due at 100 ms, answered at 600 ms
        // Requests 11-59 were due during the stall and went out at 600 ms: each waited from its intended time (490 ms down to 10 ms).
        Assert.True(run.Latency.P50 < 0.01); // the 50 on time
        Assert.InRange(run.Latency.P90, 399.5, 400.5); // the 40th of the 50 delayed: 10, 20 ... 500 ms
        Assert.InRange(run.Latency.Mean, 127.4, 127.6); // (10 + 20 + ... + 500) / 100
        Assert.Equal(TimeSpan.FromMilliseconds(990), run.Elapsed);
    }

    [Fact]
    public async Task Requests_due_while_too_many_are_in_flight_are_counted_as_not_sent_failures()
    {
        var clock = new ManualClock();
        var release = new TaskCompletionSource<RequestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        SendRequest send = (_, _) => release.Task;

        var running = LoadRunner.OpenLoopAsync(new OpenLoopSchedule(20, TimeSpan.FromSeconds(1)), send, clock, maxInFlight: 5, Ct);
        release.SetResult(RequestOutcome.Ok(202));
        var run = await running;

        Assert.Equal(5, run.Sent);
        Assert.Equal(15, run.NotSent);
        Assert.Equal(5, run.Succeeded);
        Assert.Equal(15, run.Failed);
        Assert.Equal(15, run.Statuses[0]);
    }

    [Fact]
    public async Task Failed_answers_and_transport_errors_are_failures_kept_out_of_the_latency_histogram()
    {
        var clock = new ManualClock();
        SendRequest send = (index, _) => index switch
        {
            0 => Task.FromResult(RequestOutcome.Failed(500)),
            1 => Task.FromException<RequestOutcome>(new HttpRequestException("refused")),
            _ => Task.FromResult(RequestOutcome.Ok(202)),
        };

        var run = await LoadRunner.OpenLoopAsync(new OpenLoopSchedule(10, TimeSpan.FromSeconds(1)), send, clock, maxInFlight: 10, Ct);

        Assert.Equal(8, run.Succeeded);
        Assert.Equal(2, run.Failed);
        Assert.Equal(8, run.Latency.Count);
        Assert.Equal(new Dictionary<int, long> { [0] = 1, [202] = 8, [500] = 1 }, run.Statuses);
    }

    [Fact]
    public async Task A_closed_loop_connection_sends_again_only_after_its_answer_and_measures_from_the_actual_send()
    {
        var clock = new ManualClock();
        SendRequest send = (_, _) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            return Task.FromResult(RequestOutcome.Ok(202));
        };

        var run = await LoadRunner.ClosedLoopAsync(1, TimeSpan.FromSeconds(1), send, clock, Ct);

        Assert.Equal(100, run.Sent);
        Assert.Equal(100, run.Succeeded);
        Assert.Equal(10, run.Latency.P50, precision: 1);
        Assert.Equal(10, run.Latency.Max, precision: 1);
        Assert.Equal(100, run.AchievedRate, precision: 1);
    }
}
