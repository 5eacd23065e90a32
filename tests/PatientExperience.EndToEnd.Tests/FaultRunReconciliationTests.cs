using PatientExperience.FaultRun;
using PatientExperience.Testing.Smtp;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>The fault run's rules for what counts as missed or doubled, on made-up snapshots (no run).</summary>
public sealed class FaultRunReconciliationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly FaultRunOptions Options = new() { AcknowledgeDeadline = TimeSpan.FromSeconds(10), DeadlineTolerance = TimeSpan.FromSeconds(60) };

    /// <summary>A case opened at <paramref name="opened"/> seconds whose unit, department and executive deadlines fired at the given seconds.</summary>
    private static CaseSeen Case(double opened, params double[] fired)
    {
        var levels = new[] { "unit", "department", "executive" };
        var breaches = new List<Breach>();
        var from = T0.AddSeconds(opened);
        for (var i = 0; i < fired.Length; i++)
        {
            breaches.Add(new Breach(levels[i], from + Options.AcknowledgeDeadline, T0.AddSeconds(fired[i])));
            from = T0.AddSeconds(fired[i]);
        }

        return new CaseSeen(Guid.NewGuid(), Guid.NewGuid(), T0.AddSeconds(opened), levels[Math.Max(0, fired.Length - 1)], breaches);
    }

    private static FaultRunReport Reconcile(IReadOnlyList<CaseSeen> cases, IReadOnlyList<FaultDone> faults, IReadOnlyList<ReceivedEmail>? emails = null)
    {
        var snapshot = new Snapshot(T0.AddSeconds(2_000), cases, [], emails ?? []);
        var reconciliation = new Reconciliation(Options, cases.Select(c => c.SubmissionId).ToHashSet(), T0);
        using var http = new HttpClient();
        return reconciliation.Report(snapshot, settled: true, faults, new FaultRunner.Load(http, Options, _ => { }), new Dictionary<string, long>(), "test", "test");
    }

    [Fact]
    public void A_deadline_due_while_the_broker_is_down_may_fire_within_the_tolerance_after_it_is_back_but_not_later()
    {
        var brokerDown = new FaultDone("restart broker", AtSeconds: 8, RecoveredInSeconds: 122); // down from 8 s to 130 s
        var delayed = Case(0, 170, 181, 192);       // unit due at 10 s, fired 40 s after the broker came back
        var tooLate = Case(0, 200, 211, 222);       // fired 70 s after it came back
        var unrelated = Case(300, 400, 411, 422);   // due at 310 s with nothing down: 90 s late

        var report = Reconcile([delayed, tooLate, unrelated], [brokerDown]);

        Assert.Equal(1, report.DeadlinesDelayedByOutages);
        Assert.Equal(2, report.DeadlinesMissed.Count);
        Assert.Contains(report.DeadlinesMissed, m => m.StartsWith($"{tooLate.CaseId} unit", StringComparison.Ordinal));
        Assert.Contains(report.DeadlinesMissed, m => m.StartsWith($"{unrelated.CaseId} unit", StringComparison.Ordinal));
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_killed_gateway_or_intake_excuses_no_late_deadline_and_an_unfired_deadline_is_missed()
    {
        var late = Case(0, 100, 111, 122);
        var neverFired = Case(0, 20);               // reached the department; its deadline never fired

        var report = Reconcile([late, neverFired], [new FaultDone("kill gateway", 5, 30), new FaultDone("kill intake", 40, 30)]);

        Assert.Contains(report.DeadlinesMissed, m => m.StartsWith($"{late.CaseId} unit", StringComparison.Ordinal));
        Assert.Contains(report.DeadlinesMissed, m => m == $"{neverFired.CaseId} department: due {T0.AddSeconds(30):O}, not fired");
        Assert.Equal(0, report.DeadlinesDelayedByOutages);
    }

    [Fact]
    public void An_email_received_again_after_the_notification_service_was_killed_is_a_resend_otherwise_it_was_sent_twice()
    {
        static ReceivedEmail Mail(string id, double at) => new("from@x", ["to@x"], "s", "b", id, T0.AddSeconds(at));
        // "d": its first copy arrived a tenth of a second after the kill was logged, from the process the signal had not yet
        // reached; "e" arrived twice more than a second after the kill, so the restarted process sent it twice.
        var emails = new[] { Mail("a", 50), Mail("a", 120), Mail("b", 150), Mail("b", 160), Mail("c", 10), Mail("d", 70.1), Mail("d", 130), Mail("e", 72), Mail("e", 140) };

        var report = Reconcile([Case(0, 11, 22, 33)], [new FaultDone("kill notification", 70, 30)], emails);

        Assert.Equal(["a received 2 times, at 50.0s, 120.0s of the run", "d received 2 times, at 70.1s, 130.0s of the run"], report.EmailsResentAfterCrash);
        Assert.Equal(["b received 2 times, at 150.0s, 160.0s of the run", "e received 2 times, at 72.0s, 140.0s of the run"], report.EmailsSentTwice);
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_run_with_nothing_lost_late_or_doubled_passes_and_messages_left_in_an_error_queue_fail_it()
    {
        var cases = new[] { Case(0, 11, 22, 33), Case(1, 12, 23, 34) };
        Assert.True(Reconcile(cases, []).Passed);

        var snapshot = new Snapshot(T0.AddSeconds(2_000), cases, [], []);
        using var http = new HttpClient();
        var withError = new Reconciliation(Options, cases.Select(c => c.SubmissionId).ToHashSet(), T0)
            .Report(snapshot, true, [], new FaultRunner.Load(http, Options, _ => { }), new Dictionary<string, long> { ["case-feedback_error"] = 1 }, "test", "test");
        Assert.False(withError.Passed);
    }
}
