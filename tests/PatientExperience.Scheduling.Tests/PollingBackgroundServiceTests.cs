using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging.Hosting;
using PatientExperience.Testing;

namespace PatientExperience.Scheduling.Tests;

/// <summary>The loop the outbox relay and the scheduler's dispatcher share: start after the host, retry a failed pass, stop with the host.</summary>
public sealed class PollingBackgroundServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_pass_runs_before_the_host_has_started()
    {
        using var lifetime = new Lifetime();
        using var job = new CountingJob(lifetime, failFirst: 0);
        await job.StartAsync(Ct);
        Assert.Equal(0, job.Passes);

        lifetime.Start();
        await Eventually.UntilAsync(() => job.Passes > 0, "a pass after the host started");
        await job.StopAsync(Ct);
    }

    [Fact]
    public async Task A_failed_pass_is_logged_with_its_attempt_and_retried()
    {
        using var lifetime = new Lifetime();
        using var job = new CountingJob(lifetime, failFirst: 2);
        lifetime.Start();
        await job.StartAsync(Ct);

        await Eventually.UntilAsync(() => job.Passes > 2, "a pass that succeeds after two failures");
        Assert.Equal([1, 2], job.FailedAttempts);
        await job.StopAsync(Ct);
    }

    [Fact]
    public async Task The_loop_ends_when_the_host_begins_to_stop()
    {
        using var lifetime = new Lifetime();
        using var job = new CountingJob(lifetime, failFirst: 0);
        lifetime.Start();
        await job.StartAsync(Ct);
        await Eventually.UntilAsync(() => job.Passes > 0, "a first pass");

        lifetime.Stop();
        await Eventually.UntilAsync(() => job.ExecuteTask is { IsCompleted: true }, "the loop to end");
        Assert.True(job.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_paused_job_runs_no_pass()
    {
        using var lifetime = new Lifetime();
        using var job = new CountingJob(lifetime, failFirst: 0, paused: true);
        lifetime.Start();
        await job.StartAsync(Ct);
        await Eventually.UntilAsync(() => job.ExecuteTask is { IsCompleted: true }, "the paused job to return");
        Assert.True(job.SaidPaused);
        Assert.Equal(0, job.Passes);
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1_000)]
    [InlineData(6, 16_000)]
    [InlineData(7, 30_000)]
    [InlineData(50, 30_000)]
    public void The_back_off_doubles_up_to_thirty_seconds(int failures, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), PollingBackgroundService.BackOffAfter(failures));

    private sealed class CountingJob(IHostApplicationLifetime lifetime, int failFirst, bool paused = false) : PollingBackgroundService(lifetime)
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        public List<int> FailedAttempts { get; } = [];

        public bool SaidPaused { get; private set; }

        protected override bool Paused => paused;

        protected override void OnPaused() => SaidPaused = true;

        protected override async Task RunPassAsync(CancellationToken stoppingToken)
        {
            if (failFirst > 0)
            {
                failFirst--;
                throw new InvalidOperationException("the store is unreachable");
            }

            Interlocked.Increment(ref _passes);
            await Task.Delay(TimeSpan.FromMilliseconds(10), stoppingToken);
        }

        protected override void OnPassFailed(Exception exception, int attempt) => FailedAttempts.Add(attempt);

        // No real back-off in a test: the next pass at once.
        protected override Task BackOffAsync(TimeSpan delay, CancellationToken stoppingToken) => Task.CompletedTask;
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public void Start() => _started.Cancel();

        public void Stop() => _stopping.Cancel();

        public void StopApplication() => Stop();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }
}
