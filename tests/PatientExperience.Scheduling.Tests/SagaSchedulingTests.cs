using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace PatientExperience.Scheduling.Tests;

/// <summary>
/// A state machine's <c>Schedule</c>/<c>Unschedule</c> over the durable scheduler, on the in-memory transport with a fake
/// clock: nothing is sent before its time, and everything due is sent once the clock passes it.
/// </summary>
public sealed class SagaSchedulingTests : IAsyncLifetime
{
    private readonly SchedulingRecorder _recorder = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IHost _host;

    public SagaSchedulingTests() => _host = SchedulerHost.Build(_recorder, _time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _host.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    /// <summary>Opens a grievance and waits until its saga has scheduled the response deadline; returns the grievance id.</summary>
    private async Task<Guid> OpenGrievanceAsync(TimeSpan respondWithin)
    {
        var grievanceId = Guid.NewGuid();
        await _host.Services.GetRequiredService<IBus>().Publish(new GrievanceOpened(grievanceId, _time.GetUtcNow() + respondWithin), Ct);
        await CurrentTokenAsync(grievanceId, scheduledSoFar: 1);
        return grievanceId;
    }

    /// <summary>Waits until the saga has scheduled its deadline that many times and returns the latest token.</summary>
    private async Task<Guid> CurrentTokenAsync(Guid grievanceId, int scheduledSoFar)
    {
        await SchedulerHost.UntilAsync(() => _recorder.DeadlinesScheduled.Count(d => d.GrievanceId == grievanceId) >= scheduledSoFar,
            $"the saga to schedule deadline {scheduledSoFar}");
        return _recorder.DeadlinesScheduled.Last(d => d.GrievanceId == grievanceId).TokenId!.Value;
    }

    private IEnumerable<Guid?> BreachTokens(Guid grievanceId) => _recorder.Breaches.Where(b => b.GrievanceId == grievanceId).Select(b => b.TokenId);

    private async Task<ResponseDeadlineState?> SagaAsync(Guid grievanceId) =>
        await _host.Services.GetRequiredService<ILoadSagaRepository<ResponseDeadlineState>>().Load(grievanceId);

    [Fact]
    public async Task A_deadline_the_saga_schedules_is_not_sent_before_its_time_and_is_delivered_once_after_it()
    {
        var grievanceId = await OpenGrievanceAsync(TimeSpan.FromMinutes(30));
        var token = await CurrentTokenAsync(grievanceId, 1);

        var pending = Assert.Single(await _host.PendingAsync());
        Assert.Equal(token.ToString("D"), pending.Id);

        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(29), _recorder);
        Assert.Empty(BreachTokens(grievanceId));

        _time.Advance(TimeSpan.FromMinutes(2));
        await SchedulerHost.UntilAsync(() => BreachTokens(grievanceId).Any(), "the deadline to reach the saga");
        await SchedulerHost.UntilAsync(async () => (await _host.PendingAsync()).Count == 0, "the sent deadline to leave the store");
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromHours(1), _recorder);

        Assert.Equal([token], BreachTokens(grievanceId));
        Assert.Equal(1, _recorder.Consumed.Count(c => c.MessageId == token));
        var saga = await SagaAsync(grievanceId);
        Assert.Equal(("Breached", 1), (saga?.CurrentState, saga?.Breaches));
    }

    [Fact]
    public async Task Unscheduling_cancels_the_deadline()
    {
        var grievanceId = await OpenGrievanceAsync(TimeSpan.FromMinutes(30));

        await _host.Services.GetRequiredService<IBus>().Publish(new GrievanceAcknowledged(grievanceId), Ct);
        await SchedulerHost.UntilAsync(async () => (await SagaAsync(grievanceId))?.CurrentState == "Responded", "the saga to record the acknowledgement");

        Assert.Empty(await _host.PendingAsync());
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(31), _recorder);
        Assert.Empty(BreachTokens(grievanceId));
        Assert.Equal("Responded", (await SagaAsync(grievanceId))?.CurrentState);
    }

    [Fact]
    public async Task Rescheduling_replaces_the_token_and_the_old_deadline_never_reaches_the_saga()
    {
        var grievanceId = await OpenGrievanceAsync(TimeSpan.FromMinutes(30));
        var first = await CurrentTokenAsync(grievanceId, 1);

        await _host.Services.GetRequiredService<IBus>().Publish(new ResponseDeadlineExtended(grievanceId, _time.GetUtcNow() + TimeSpan.FromMinutes(60)), Ct);
        var second = await CurrentTokenAsync(grievanceId, 2);

        Assert.NotEqual(first, second);
        Assert.Equal([second.ToString("D")], (await _host.PendingAsync()).Select(p => p.Id));

        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(31), _recorder);
        Assert.Empty(BreachTokens(grievanceId));
        Assert.False(_recorder.HasConsumed(first));

        _time.Advance(TimeSpan.FromMinutes(30));
        await SchedulerHost.UntilAsync(() => BreachTokens(grievanceId).Any(), "the moved deadline to reach the saga");
        Assert.Equal([second], BreachTokens(grievanceId));
    }

    [Fact]
    public async Task A_due_timeout_whose_token_is_not_the_sagas_current_one_is_ignored()
    {
        var grievanceId = await OpenGrievanceAsync(TimeSpan.FromMinutes(30));
        var current = await CurrentTokenAsync(grievanceId, 1);
        // A stale timeout, as a resend after a dispatcher died could deliver: same message type and saga, another token.
        var stale = await _host.Scheduler().ScheduleSend(new Uri("queue:sched-response-deadline"), (_time.GetUtcNow() + TimeSpan.FromMinutes(5)).UtcDateTime,
            new ResponseDeadlineElapsed(grievanceId), Ct);

        _time.Advance(TimeSpan.FromMinutes(6));
        await SchedulerHost.UntilAsync(() => _recorder.HasConsumed(stale.TokenId), "the saga to consume the stale timeout");

        Assert.Empty(BreachTokens(grievanceId));
        Assert.Equal("AwaitingResponse", (await SagaAsync(grievanceId))?.CurrentState);

        _time.Advance(TimeSpan.FromMinutes(25));
        await SchedulerHost.UntilAsync(() => BreachTokens(grievanceId).Any(), "the current deadline to reach the saga");
        Assert.Equal([current], BreachTokens(grievanceId));
    }
}
