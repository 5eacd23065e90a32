namespace PatientExperience.LoadTest;

/// <summary>Sends one request of a run; the index tells the scenario which request it is (for unique keys and bodies).</summary>
internal delegate Task<RequestOutcome> SendRequest(long index, CancellationToken cancellationToken);

/// <summary>What a run did, before it is written up (<see cref="RunReport"/>).</summary>
internal sealed record RunMeasurement(long Sent, long Succeeded, long Failed, long NotSent, TimeSpan Elapsed, LatencySummary Latency, IReadOnlyDictionary<int, long> Statuses)
{
    /// <summary>Successful requests a second over the run (from the first send to the last answer).</summary>
    public double AchievedRate => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;
}

/// <summary>The two ways of offering load: at a fixed rate whatever the answers (open loop), or N connections each waiting for its answer (closed loop).</summary>
internal static class LoadRunner
{
    /// <summary>
    /// Open loop: request i goes out at its intended time from <paramref name="schedule"/>, without waiting for earlier
    /// answers, and its latency runs from that intended time. At most <paramref name="maxInFlight"/> requests are outstanding;
    /// a request due while that many are is not sent and counts as a failure (status 0) in <see cref="RunMeasurement.NotSent"/>,
    /// so an overloaded target cannot make the run quietly offer less.
    /// </summary>
    public static async Task<RunMeasurement> OpenLoopAsync(OpenLoopSchedule schedule, SendRequest send, ILoadClock clock, int maxInFlight, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        var recorder = new LatencyRecorder();
        var inFlight = 0;
        long notSent = 0;
        var pending = new List<Task>(capacity: (int)Math.Min(schedule.Count, 1_000_000));
        var start = clock.Elapsed;
        for (long i = 0; i < schedule.Count; i++)
        {
            var intended = start + schedule.IntendedAt(i);
            await clock.WaitUntilAsync(intended, cancellationToken);
            if (Volatile.Read(ref inFlight) >= maxInFlight)
            {
                notSent++;
                recorder.Record(intended, clock.Elapsed, RequestOutcome.Failed());
                continue;
            }

            Interlocked.Increment(ref inFlight);
            pending.Add(SendOneAsync(i, intended));
        }

        await Task.WhenAll(pending);
        var elapsed = clock.Elapsed - start;
        return new RunMeasurement(schedule.Count - notSent, recorder.Succeeded, recorder.Failed, notSent, elapsed, recorder.Summarise(), recorder.Statuses);

        async Task SendOneAsync(long index, TimeSpan intended)
        {
            RequestOutcome outcome;
            try
            {
                outcome = await send(index, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                outcome = RequestOutcome.Failed();
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }

            recorder.Record(intended, clock.Elapsed, outcome);
        }
    }

    /// <summary>
    /// Closed loop: <paramref name="connections"/> workers each send, wait for the answer and send again until
    /// <paramref name="duration"/> has passed; latency runs from each actual send. Measures throughput at saturation; its
    /// latencies are service times under that concurrency, not what a client at a given rate would see.
    /// </summary>
    public static async Task<RunMeasurement> ClosedLoopAsync(int connections, TimeSpan duration, SendRequest send, ILoadClock clock, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        var recorder = new LatencyRecorder();
        long next = -1;
        var start = clock.Elapsed;
        var end = start + duration;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < end && !cancellationToken.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                var sentAt = clock.Elapsed;
                RequestOutcome outcome;
                try
                {
                    outcome = await send(index, cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    outcome = RequestOutcome.Failed();
                }

                recorder.Record(sentAt, clock.Elapsed, outcome);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed - start;
        return new RunMeasurement(Interlocked.Read(ref next) + 1, recorder.Succeeded, recorder.Failed, 0, elapsed, recorder.Summarise(), recorder.Statuses);
    }
}
