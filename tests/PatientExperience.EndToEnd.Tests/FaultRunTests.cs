using PatientExperience.FaultRun;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The reduced fault run (tools/FaultRun's core, run from this process): its own broker and services as processes, 600
/// concerns over a minute while each service is SIGKILLed and restarted once and the broker restarted once; then nothing
/// is lost or doubled: cases, escalation deadlines, notifications. It runs in CI (about four minutes beside the other
/// assemblies); without a RabbitMQ it skips with the reason.
/// </summary>
public sealed class FaultRunTests
{
    [Fact]
    public async Task A_reduced_fault_run_loses_and_doubles_no_case_deadline_or_notification()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var options = new FaultRunOptions
        {
            Concerns = 600,
            Rate = 10,
            Kills = 1,
            BrokerRestarts = 1,
            AcknowledgeDeadline = TimeSpan.FromSeconds(10),
            DeadlineTolerance = TimeSpan.FromSeconds(60),
            QuiescenceTimeout = TimeSpan.FromMinutes(6),
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
