using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientExperience.FaultRun;

/// <summary>What a fault run found. <see cref="Passed"/> is false on any lost or duplicated case, escalation, deadline or notification.</summary>
public sealed record FaultRunReport
{
    public required string Options { get; init; }
    public required string Broker { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset ReconciledAt { get; init; }
    public required bool Settled { get; init; }

    /// <summary>The faults done, in order, with when and how long the restart took.</summary>
    public required IReadOnlyList<FaultDone> Faults { get; init; }

    public required int Submitted { get; init; }
    /// <summary>Concerns answered 202 (distinct submissions).</summary>
    public required int Accepted { get; init; }
    /// <summary>Concerns never answered 202 within the submit budget, with the last answer.</summary>
    public required int Refused { get; init; }
    public required int SubmitRetries { get; init; }
    public required int Cases { get; init; }
    /// <summary>Accepted submissions without a case.</summary>
    public required IReadOnlyList<Guid> Lost { get; init; }
    /// <summary>Accepted submissions with more than one case.</summary>
    public required IReadOnlyList<Guid> Duplicated { get; init; }
    /// <summary>Cases whose submission was never answered 202 here (a concern stored before its answer was lost, then refused): not a loss.</summary>
    public required int CasesOfUnansweredConcerns { get; init; }

    /// <summary>Acknowledgement deadlines that passed at least the tolerance before reconciliation (unit, then department).</summary>
    public required int DeadlinesDue { get; init; }
    public required int DeadlinesFired { get; init; }
    /// <summary>
    /// Due deadlines with no breach recorded, or recorded later than the tolerance (counted from the end of a case-service or
    /// broker outage when the deadline fell due during it).
    /// </summary>
    public required IReadOnlyList<string> DeadlinesMissed { get; init; }
    /// <summary>Breaches recorded before their deadline, or with a deadline other than the policy's.</summary>
    public required IReadOnlyList<string> DeadlinesWrong { get; init; }
    /// <summary>A level whose deadline was recorded missed twice for one case (an escalation level reached twice).</summary>
    public required IReadOnlyList<string> EscalationsDuplicated { get; init; }
    /// <summary>Deadlines that fell due while the case service or the broker was down and fired within the tolerance after it came back.</summary>
    public int DeadlinesDelayedByOutages { get; init; }
    public required double MaxLatenessSeconds { get; init; }
    public required double MedianLatenessSeconds { get; init; }
    public required double ToleranceSeconds { get; init; }

    public required int Notifications { get; init; }
    public required IReadOnlyDictionary<string, int> NotificationsByEventAndStatus { get; init; }
    /// <summary>Deliveries stored twice for one (cause, recipient, channel).</summary>
    public required IReadOnlyList<string> NotificationsDuplicated { get; init; }
    public required int EmailsReceived { get; init; }
    /// <summary>Emails the SMTP server received more than once with one Message-Id (one delivery sent twice) with no crash to explain it.</summary>
    public required IReadOnlyList<string> EmailsSentTwice { get; init; }
    /// <summary>
    /// Emails received again, with the same Message-Id, after the notification service was killed between handing them to
    /// the SMTP server and recording them delivered: the one resend SMTP cannot rule out (no transaction spans the mail
    /// server and the store). The Message-Id lets mail systems and clients drop the copy.
    /// </summary>
    public IReadOnlyList<string> EmailsResentAfterCrash { get; init; } = [];

    /// <summary>_error queues holding messages at the end (null when the broker's queues cannot be listed).</summary>
    public IReadOnlyDictionary<string, long>? ErrorQueues { get; init; }
    public required long ErrorQueued { get; init; }

    public bool Passed => Lost.Count == 0 && Duplicated.Count == 0 && DeadlinesMissed.Count == 0 && DeadlinesWrong.Count == 0
        && EscalationsDuplicated.Count == 0 && NotificationsDuplicated.Count == 0 && EmailsSentTwice.Count == 0 && ErrorQueued == 0;

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"accepted={Accepted} cases={Cases} lost={Lost.Count} duplicated={Duplicated.Count} refused={Refused} " +
        $"deadlinesDue={DeadlinesDue} deadlinesFired={DeadlinesFired} deadlinesMissed={DeadlinesMissed.Count} deadlinesWrong={DeadlinesWrong.Count} " +
        $"escalationsDuplicated={EscalationsDuplicated.Count} delayedByOutages={DeadlinesDelayedByOutages} maxLateness={MaxLatenessSeconds:0.0}s " +
        $"notifications={Notifications} notificationsDuplicated={NotificationsDuplicated.Count} emails={EmailsReceived} emailsSentTwice={EmailsSentTwice.Count} emailsResentAfterCrash={EmailsResentAfterCrash.Count} " +
        $"errorQueued={(ErrorQueues is null ? "unknown" : ErrorQueued.ToString(CultureInfo.InvariantCulture))} " +
        $"faults={Faults.Count} settled={(Settled ? "yes" : "no")} result={(Passed ? "pass" : "FAIL")}");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One fault: "kill case", "restart broker"; at how many seconds into the run, and how long until it was ready again.</summary>
public sealed record FaultDone(string Fault, double AtSeconds, double RecoveredInSeconds);
