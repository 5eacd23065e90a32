using System.Security.Cryptography;
using System.Text;
using MassTransit;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Case.Improvement;

/// <summary>The internal timer of an improvement action's due date: scheduled durably, consumed by <see cref="ImprovementActionOverdueConsumer"/>.</summary>
public sealed record ImprovementActionDue
{
    public required Guid ActionId { get; init; }
    public Guid TokenId { get; init; }
}

/// <summary>
/// Sets an improvement action's overdue timer (at the end of its due date) when it is proposed and cancels it when it is
/// done, from the action's own events: idempotent (a deterministic token, so a redelivery replaces the timer) and
/// order-free (it acts on the action as stored, not on the event).
/// </summary>
public sealed class ImprovementActionTimers(ImprovementActionStore actions, Timers timers)
    : IConsumer<ImprovementActionProposed>, IConsumer<ImprovementActionStatusChanged>
{
    public const string Queue = "case-improvement-action-due";

    private static readonly Uri Destination = new($"queue:{Queue}");

    public Task Consume(ConsumeContext<ImprovementActionProposed> context) => ApplyAsync(context, context.Message.ActionId);

    public Task Consume(ConsumeContext<ImprovementActionStatusChanged> context) => ApplyAsync(context, context.Message.ActionId);

    private async Task ApplyAsync(ConsumeContext context, Guid actionId)
    {
        var stored = await actions.GetAsync(actionId, context.CancellationToken);
        if (stored is not null) await ApplyAsync(context, stored, context.CancellationToken);
    }

    /// <summary>Brings the action's timer in step with the action, starting from the action as this consumer read it (see <see cref="Timers.KeepInStepAsync{T}"/>).</summary>
    internal Task ApplyAsync(ConsumeContext? context, Stored<ImprovementAction> stored, CancellationToken ct) =>
        Timers.KeepInStepAsync(stored, s => ApplyAsync(context, s.Document), () => actions.GetAsync(stored.Document.Id, ct), (a, b) => a.Version == b.Version);

    private Task ApplyAsync(ConsumeContext? context, ImprovementAction a)
    {
        var token = TokenFor(a.Id);
        if (a.IsOpen && a.OverdueNoticeSentAt is null) return timers.ScheduleAsync(context, Destination, a.DueAt, new ImprovementActionDue { ActionId = a.Id, TokenId = token });
        return a.IsOpen ? Task.CompletedTask : timers.CancelAsync(context, Destination, token);
    }

    public static Guid TokenFor(Guid actionId) => Deterministic($"{actionId:N}/overdue-timer");

    public static Guid NoticeIdFor(Guid actionId) => Deterministic($"{actionId:N}/overdue-notice");

    private static Guid Deterministic(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return new Guid(hash[..16]);
    }
}

/// <summary>
/// An improvement action's due date ended. Still open and not yet reminded: its owner and the department's head are told
/// (inbox and email; the theme, department and due date, never its title), recorded on the action with the command in the
/// same write, so a timer that fires twice tells them once.
/// </summary>
public sealed partial class ImprovementActionOverdueConsumer(
    ImprovementActionStore actions, IEscalationDirectory directory, Cases.IStaffLookup staff, TimeProvider clock, ILogger<ImprovementActionOverdueConsumer> logger)
    : IConsumer<ImprovementActionDue>
{
    public async Task Consume(ConsumeContext<ImprovementActionDue> context)
    {
        var ct = context.CancellationToken;
        var stored = await actions.GetAsync(context.Message.ActionId, ct);
        var now = clock.GetUtcNow();
        if (stored is null || !stored.Document.IsOpen || stored.Document.DueAt > now || stored.Document.OverdueNoticeSentAt is not null) return;
        var a = stored.Document;
        var heads = await directory.ResolveRecipientsAsync(a.FacilityId, a.DepartmentId, null, EscalationLevel.Department, ct);
        var owner = await staff.FindAsync(a.FacilityId, a.OwnerId, ct);
        var recipients = (owner is null ? heads : new[] { owner }.Concat(heads)).DistinctBy(r => r.PersonId).ToList();
        var notice = new SendNotification
        {
            NotificationId = ImprovementActionTimers.NoticeIdFor(a.Id), FacilityId = a.FacilityId,
            Title = $"Overdue improvement action ({a.Theme}, department {a.DepartmentId})",
            Message = $"An improvement action on {a.Theme} for department {a.DepartmentId} was due {a.DueDate:yyyy-MM-dd} and is still {a.Status.ToWire()}. " +
                      $"Open improvement action {a.Id} in the console to update it.",
            Severity = Severity.Medium, Channels = [NotificationChannel.Inbox, NotificationChannel.Email],
            Recipients = recipients, Level = recipients.Count == 0 ? EscalationLevel.Department : null,
            RequestedBy = "case-service", RequestedAt = now,
        };
        a.OverdueNoticeSentAt = now;
        // A conflict (the action moved meanwhile) throws: the retry reads it again and decides again.
        await actions.SaveAsync(a, stored.Version, [notice], now, ct);
        CaseTelemetry.ImprovementActionNotices.Add(1, new KeyValuePair<string, object?>("kind", "overdue"));
        LogOverdue(logger, a.Id, recipients.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Improvement action {ActionId} overdue: {Recipients} recipient(s) told")]
    private static partial void LogOverdue(ILogger logger, Guid actionId, int recipients);
}
