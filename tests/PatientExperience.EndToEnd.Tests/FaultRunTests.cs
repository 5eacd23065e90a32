using PatientExperience.FaultRun;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The reduced fault run (tools/FaultRun's core, run from this process): its own broker and services as processes, about
/// 1,000 concerns while each service is SIGKILLed and restarted once and the broker restarted once; then nothing is lost
/// or doubled: cases, escalation deadlines, notifications.
/// </summary>
public sealed class FaultRunTests
{
    // Opt-in until it has passed on this machine: written on a day the shared machine ran at load average 40-85 and the
    // private broker alone took longer to start than the helper allowed. Run it with PXP_FAULT_RUN=1.
    public static bool FaultRunRequested => Environment.GetEnvironmentVariable("PXP_FAULT_RUN") == "1";

    [Fact(Skip = "The reduced fault run takes about 10 minutes on the 2-core build machine and has not yet passed there at its full size (issue 8; docs/benchmarks.md); opt in with PXP_FAULT_RUN=1.", SkipUnless = nameof(FaultRunRequested))]
    public async Task A_reduced_fault_run_loses_and_doubles_no_case_deadline_or_notification()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var options = new FaultRunOptions
        {
            Concerns = 1_000,
            Rate = 25,
            Kills = 1,
            BrokerRestarts = 1,
            AcknowledgeDeadline = TimeSpan.FromSeconds(10),
            DeadlineTolerance = TimeSpan.FromSeconds(60),
            QuiescenceTimeout = TimeSpan.FromMinutes(3),
            Log = line => output?.WriteLine(line),
        };

        var (report, skipReason) = await FaultRunner.RunAsync(options, ct);
        if (report is null) Assert.Skip(skipReason ?? "RabbitMQ unavailable");
        output?.WriteLine(report.Summary());
        output?.WriteLine(report.ToJson());

        Assert.True(report.Settled, report.Summary());
        Assert.Equal(options.Concerns, report.Accepted);
        Assert.Empty(report.Lost);
        Assert.Empty(report.Duplicated);
        Assert.Empty(report.EscalationsDuplicated);
        Assert.Empty(report.DeadlinesMissed);
        Assert.Empty(report.DeadlinesWrong);
        Assert.Equal(3 * report.Cases, report.DeadlinesFired);
        Assert.Empty(report.NotificationsDuplicated);
        Assert.Empty(report.EmailsSentTwice);
        Assert.True(report.Passed, report.Summary());
        Assert.Equal(4 * options.Kills + (report.Broker.StartsWith("local node", StringComparison.Ordinal) ? options.BrokerRestarts : 0), report.Faults.Count);
    }
}
