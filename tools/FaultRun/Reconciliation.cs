using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientExperience.Testing;
using PatientExperience.Testing.Smtp;

namespace PatientExperience.FaultRun;

/// <summary>What the platform holds at one moment: the run's cases, the facility's deliveries, the emails received.</summary>
internal sealed record Snapshot(DateTimeOffset At, IReadOnlyList<CaseSeen> Cases, IReadOnlyList<DeliverySeen> Deliveries, IReadOnlyList<ReceivedEmail> Emails)
{
    public static async Task<Snapshot> TakeAsync(FaultRunner.StaffApi staff, ProcessPlatform platform, string facility, DateTimeOffset startedAt, CancellationToken ct)
    {
        var at = DateTimeOffset.UtcNow;
        // What the run created, from a minute before it started (clocks of one machine) to a minute from now. Items are read
        // in pages while the lists may still grow: an item seen on two pages is one item.
        var (from, to) = (startedAt.AddMinutes(-1), at.AddMinutes(1));
        var cases = (await staff.ListAllAsync($"/api/v1/cases?facilityId={facility}", "createdFrom", "createdTo", from, to, ct).ConfigureAwait(false))
            .Select(CaseSeen.From).DistinctBy(c => c.CaseId).ToList();
        var deliveries = (await staff.ListAllAsync($"/api/v1/notifications?facilityId={facility}", "createdFrom", "createdTo", from, to, ct).ConfigureAwait(false))
            .Select(DeliverySeen.From).DistinctBy(d => d.Id).ToList();
        return new Snapshot(at, cases, deliveries, platform.Smtp.Received);
    }
}

/// <summary>
/// The totals of what the platform holds, from one-item pages of its lists: cheap enough to look at every few seconds while
/// the run settles. They cannot tell one case's breaches from another's; the <see cref="Snapshot"/> can.
/// </summary>
internal sealed record Counts(long Cases, long AtExecutive, long Deliveries, long Delivered, long Failed, int Emails)
{
    public long NotFinal => Deliveries - Delivered - Failed;

    public static async Task<Counts> TakeAsync(FaultRunner.StaffApi staff, ProcessPlatform platform, string facility, DateTimeOffset startedAt, CancellationToken ct)
    {
        var (from, to) = (startedAt.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Task<long> Count(string path) => staff.CountAsync(path, "createdFrom", "createdTo", from, to, ct);
        var emails = platform.Smtp.Received.Count;
        return new Counts(
            await Count($"/api/v1/cases?facilityId={facility}").ConfigureAwait(false),
            await Count($"/api/v1/cases?facilityId={facility}&level=executive").ConfigureAwait(false),
            await Count($"/api/v1/notifications?facilityId={facility}").ConfigureAwait(false),
            await Count($"/api/v1/notifications?facilityId={facility}&status=delivered").ConfigureAwait(false),
            await Count($"/api/v1/notifications?facilityId={facility}&status=failed").ConfigureAwait(false),
            emails);
    }

    /// <summary>The same totals counted in a snapshot.</summary>
    public static Counts Of(Snapshot s) => new(
        s.Cases.Count, s.Cases.Count(c => c.Level == "executive"), s.Deliveries.Count,
        s.Deliveries.Count(d => d.Status == "delivered"), s.Deliveries.Count(d => d.Status == "failed"), s.Emails.Count);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"cases {Cases}, at executive {AtExecutive}, deliveries {Deliveries}, not final {NotFinal}, emails {Emails}");
}

internal sealed record CaseSeen(Guid CaseId, Guid SubmissionId, DateTimeOffset OpenedAt, string Level, IReadOnlyList<Breach> Breaches)
{
    // "Acknowledgement deadline 2026-12-01 20:50:03Z missed at level unit; now at department" (EscalationStateMachine).
    private static readonly Regex AcknowledgementMissed = new(
        @"^Acknowledgement deadline (?<due>\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ) missed at level (?<level>[a-z-]+);", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

    public static CaseSeen From(JsonElement c)
    {
        var breaches = new List<Breach>();
        foreach (var h in c.GetProperty("history").EnumerateArray())
        {
            if (h.GetProperty("action").GetString() != "sla-breached") continue;
            var match = AcknowledgementMissed.Match(h.GetProperty("detail").GetString() ?? "");
            if (!match.Success) continue;
            breaches.Add(new Breach(
                match.Groups["level"].Value,
                DateTimeOffset.ParseExact(match.Groups["due"].Value, "u", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                h.GetProperty("at").GetDateTimeOffset()));
        }

        return new CaseSeen(c.GetProperty("caseId").GetGuid(), c.GetProperty("submissionId").GetGuid(), c.GetProperty("openedAt").GetDateTimeOffset(),
            c.GetProperty("escalationLevel").GetString() ?? "", breaches);
    }
}

/// <summary>An acknowledgement deadline recorded missed: at which level, the deadline the saga held (to the second), and when it fired.</summary>
internal sealed record Breach(string Level, DateTimeOffset DueAt, DateTimeOffset FiredAt);

internal sealed record DeliverySeen(Guid Id, string Event, Guid? CaseId, string RecipientId, string Channel, string Status)
{
    public bool IsFinal => Status is "delivered" or "failed";

    /// <summary>The delivery's cause, recipient and channel: one delivery each, however often the cause arrives.</summary>
    public string Key => $"{Event}|{CaseId}|{RecipientId}|{Channel}";

    public static DeliverySeen From(JsonElement d) => new(
        d.GetProperty("id").GetGuid(), d.GetProperty("event").GetString() ?? "",
        d.TryGetProperty("caseId", out var c) && c.ValueKind == JsonValueKind.String ? c.GetGuid() : null,
        d.GetProperty("recipientId").GetString() ?? "", d.GetProperty("channel").GetString() ?? "", d.GetProperty("status").GetString() ?? "");
}

/// <summary>
/// The rules a fault run checks. Cases: every accepted concern has exactly one case. Escalation: the unit's acknowledgement
/// deadline is the policy's period after the case opened, the department's the same period after the case reached it (the
/// saga's own deadline, read from the breach it recorded, must agree to the second); a deadline that fell due at least
/// the tolerance before reconciliation must have fired, never before it fell due and at most the tolerance after; no level's
/// deadline fires twice for one case. Notifications: one stored delivery per (cause, recipient, channel) and no email
/// received twice with one Message-Id.
/// </summary>
internal sealed class Reconciliation(FaultRunOptions options, IReadOnlySet<Guid> accepted, DateTimeOffset startedAt)
{
    private static readonly TimeSpan SecondTruncation = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ClockAgreement = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KillMoment = TimeSpan.FromSeconds(1);

    public DateTimeOffset StartedAt => startedAt;

    /// <summary>What the totals say the run still waits for, or null when they say it has settled (the snapshot has the last word).</summary>
    public string? WaitingFor(Counts c)
    {
        if (c.Cases < accepted.Count) return $"{accepted.Count - c.Cases} accepted concerns without a case";
        if (c.AtExecutive < c.Cases) return $"{c.Cases - c.AtExecutive} cases still to reach the executives";
        return c.NotFinal > 0 ? $"{c.NotFinal} deliveries not yet delivered or failed" : null;
    }

    /// <summary>What the run still waits for, or null when it has settled.</summary>
    public string? WaitingFor(Snapshot s)
    {
        var withCase = s.Cases.Select(c => c.SubmissionId).ToHashSet();
        var withoutCase = accepted.Count(id => !withCase.Contains(id));
        if (withoutCase > 0) return $"{withoutCase} accepted concerns without a case";
        // Every case climbs to the executives and their deadline passes too: settled once each case has fired all three.
        var climbing = Deadlines(s).Count(d => d.FiredAt is null);
        if (climbing > 0) return $"{climbing} cases with an acknowledgement deadline still to fire";
        var open = s.Deliveries.Count(d => !d.IsFinal);
        if (open > 0) return $"{open} deliveries not yet delivered or failed";
        return null;
    }

    public FaultRunReport Report(Snapshot s, bool settled, IReadOnlyList<FaultDone> faults, FaultRunner.Load load,
        IReadOnlyDictionary<string, long>? errorQueues, string broker, string describedOptions)
    {
        var casesBySubmission = s.Cases.GroupBy(c => c.SubmissionId).ToDictionary(g => g.Key, g => g.Count());
        var deadlines = Deadlines(s);
        var outages = Outages(faults);
        var due = deadlines.Where(d => FireBy(d, outages) <= s.At).ToList();
        var missed = due.Where(d => d.FiredAt is null || d.FiredAt > FireBy(d, outages))
            .Select(d => d.FiredAt is null ? $"{d.CaseId} {d.Level}: due {d.ExpectedAt:O}, not fired" : $"{d.CaseId} {d.Level}: due {d.ExpectedAt:O}, fired {d.FiredAt:O}")
            .ToList();
        var delayed = deadlines.Count(d => d.FiredAt is { } fired && fired - d.ExpectedAt > options.DeadlineTolerance && fired <= FireBy(d, outages));
        var resends = s.Emails.GroupBy(e => e.MessageId).Where(g => g.Count() > 1).ToList();
        // The kill's moment is the runner's clock rounded to a tenth of a second, taken just before the signal: a copy received
        // up to a second after it may have come from the killed process, whose server took the message without it recording
        // that. With another copy after the kill, that is the resend after a crash SMTP cannot avoid (it has no idempotency;
        // the Message-Id is the same).
        var notificationKills = faults.Where(f => f.Fault == "kill notification").Select(f => startedAt.AddSeconds(f.AtSeconds)).ToList();
        bool ExplainedByKill(IGrouping<string, ReceivedEmail> copies) =>
            copies.OrderBy(e => e.ReceivedAt).Zip(copies.OrderBy(e => e.ReceivedAt).Skip(1))
                .All(pair => notificationKills.Any(k => pair.First.ReceivedAt <= k + KillMoment && k <= pair.Second.ReceivedAt));
        string Copies(IGrouping<string, ReceivedEmail> copies) => string.Create(CultureInfo.InvariantCulture,
            $"{copies.Key} received {copies.Count()} times, at {string.Join(", ", copies.Select(e => $"{(e.ReceivedAt - startedAt).TotalSeconds:0.0}s"))} of the run");
        var lateness = deadlines.Where(d => d.FiredAt is not null).Select(d => (d.FiredAt!.Value - d.ExpectedAt).TotalSeconds).Order().ToList();

        return new FaultRunReport
        {
            Options = describedOptions,
            Broker = broker,
            StartedAt = startedAt,
            ReconciledAt = s.At,
            Settled = settled,
            Faults = faults,
            Submitted = load.Submitted,
            Accepted = accepted.Count,
            Refused = load.Refused.Count,
            SubmitRetries = load.Retries,
            Cases = s.Cases.Count,
            Lost = accepted.Where(id => !casesBySubmission.ContainsKey(id)).Order().ToList(),
            Duplicated = casesBySubmission.Where(p => p.Value > 1 && accepted.Contains(p.Key)).Select(p => p.Key).Order().ToList(),
            CasesOfUnansweredConcerns = s.Cases.Count(c => !accepted.Contains(c.SubmissionId)),
            DeadlinesDue = due.Count,
            DeadlinesFired = deadlines.Count(d => d.FiredAt is not null),
            DeadlinesMissed = missed,
            DeadlinesWrong = WrongDeadlines(s),
            EscalationsDuplicated = s.Cases.SelectMany(c => c.Breaches.GroupBy(b => b.Level).Where(g => g.Count() > 1)
                .Select(g => $"{c.CaseId}: the {g.Key} deadline fired {g.Count()} times")).ToList(),
            MaxLatenessSeconds = lateness.Count == 0 ? 0 : Math.Round(lateness[^1], 1),
            MedianLatenessSeconds = lateness.Count == 0 ? 0 : Math.Round(lateness[lateness.Count / 2], 1),
            ToleranceSeconds = options.DeadlineTolerance.TotalSeconds,
            Notifications = s.Deliveries.Count,
            NotificationsByEventAndStatus = s.Deliveries.GroupBy(d => $"{d.Event} {d.Channel} {d.Status}").OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            NotificationsDuplicated = s.Deliveries.GroupBy(d => d.Key).Where(g => g.Count() > 1).Select(g => $"{g.Key} stored {g.Count()} times").ToList(),
            EmailsReceived = s.Emails.Count,
            EmailsSentTwice = resends.Where(g => !ExplainedByKill(g)).Select(Copies).ToList(),
            EmailsResentAfterCrash = resends.Where(ExplainedByKill).Select(Copies).ToList(),
            DeadlinesDelayedByOutages = delayed,
            ErrorQueues = errorQueues,
            ErrorQueued = errorQueues?.Values.Sum() ?? 0,
        };
    }

    /// <summary>When the case service or the broker was down (nothing can fire a deadline then), oldest first.</summary>
    private IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Outages(IReadOnlyList<FaultDone> faults) =>
        faults.Where(f => f.Fault is "kill case" or "restart broker")
            .Select(f => (startedAt.AddSeconds(f.AtSeconds), startedAt.AddSeconds(f.AtSeconds + f.RecoveredInSeconds)))
            .OrderBy(o => o.Item1).ToList();

    /// <summary>
    /// The latest moment a deadline may fire: the tolerance after it fell due, or, when the case service or the broker was
    /// down at that time or went down before the tolerance ran out, the tolerance after that outage ended (a deadline that
    /// falls due while nothing can fire it fires after the recovery: late, not missed).
    /// </summary>
    private DateTimeOffset FireBy(Deadline d, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> outages)
    {
        var start = d.ExpectedAt;
        foreach (var (from, to) in outages)
        {
            if (from <= start + options.DeadlineTolerance && to >= d.ExpectedAt && to > start) start = to;
        }

        return start + options.DeadlineTolerance;
    }

    /// <summary>The levels in the order a case climbs them; each has an acknowledgement deadline, the executives' last.</summary>
    private static readonly string[] Levels = ["unit", "department", "executive"];

    /// <summary>
    /// The acknowledgement deadlines each case should have had: the unit's from the moment the case opened, each next level's
    /// from the moment the one below fired (when it has). Fired is the first breach recorded for that level.
    /// </summary>
    private List<Deadline> Deadlines(Snapshot s)
    {
        var list = new List<Deadline>();
        foreach (var c in s.Cases)
        {
            var from = c.OpenedAt;
            foreach (var level in Levels)
            {
                var fired = c.Breaches.FirstOrDefault(b => b.Level == level);
                list.Add(new Deadline(c.CaseId, level, from + options.AcknowledgeDeadline, fired?.FiredAt, fired?.DueAt));
                if (fired is null) break;
                from = fired.FiredAt;
            }
        }

        return list;
    }

    /// <summary>
    /// Breaches before their deadline, and deadlines the saga held that are not the policy's: the unit's clock starts when the
    /// saga starts (a moment after the case opened) so it may be later than opening + period, never earlier; each next level's
    /// starts when the one below fired, to the second.
    /// </summary>
    private List<string> WrongDeadlines(Snapshot s)
    {
        var wrong = new List<string>();
        var expected = Deadlines(s).Where(d => d.FiredAt is not null).ToDictionary(d => (d.CaseId, d.Level));
        foreach (var c in s.Cases)
        {
            foreach (var b in c.Breaches)
            {
                if (b.FiredAt + SecondTruncation < b.DueAt) wrong.Add($"{c.CaseId} {b.Level}: fired {b.FiredAt:O} before its deadline {b.DueAt:O}");
                if (!expected.TryGetValue((c.CaseId, b.Level), out var d))
                    wrong.Add($"{c.CaseId} {b.Level}: a deadline recorded missed at a level the case had not reached");
                else if (b.DueAt + SecondTruncation + (b.Level == "unit" ? TimeSpan.Zero : ClockAgreement) < d.ExpectedAt
                         || (b.Level != "unit" && b.DueAt > d.ExpectedAt + ClockAgreement))
                    wrong.Add($"{c.CaseId} {b.Level}: the saga's deadline {b.DueAt:O} is not the policy's {d.ExpectedAt:O}");
            }
        }

        return wrong;
    }

    private sealed record Deadline(Guid CaseId, string Level, DateTimeOffset ExpectedAt, DateTimeOffset? FiredAt, DateTimeOffset? SagaDueAt);
}
