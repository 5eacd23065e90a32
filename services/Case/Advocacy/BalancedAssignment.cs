using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Advocacy;

/// <summary><c>POST /cases/{id}/assign</c> with <c>{"strategy":"balanced"}</c>: the advocate matching chooses now, the reason in the timeline.</summary>
public static class BalancedAssignment
{
    public const string Balanced = "balanced";

    public static async Task<CaseActionResult> AssignAsync(ActionContext a, CaseFile c, string actor, AssignRequest body, DateTimeOffset now)
    {
        if (body.Strategy != Balanced) return CaseActionResult.Invalid("strategy", $"Must be {Balanced} (or omitted, with an assigneeId).");
        if (body.AssigneeId is not null) return CaseActionResult.Invalid("assigneeId", "Give an assignee or a strategy, not both.");
        if (!c.IsOpen) return CaseActionResult.Conflict($"A {c.Status.ToWire()} case cannot be assigned; reopen it first.");
        var roster = a.Services.GetRequiredService<AdvocateRoster>();
        var match = await roster.MatchAsync(c, now, a.Aborted);
        if (match.AdvocateId is not { } advocateId) return CaseActionResult.Conflict(match.Reason);
        if (body.DepartmentId is not null) c.OwningDepartmentId = body.DepartmentId;
        return c.AssignMatchedAdvocate(actor, advocateId, match.Reason, await a.RecipientsForAsync(c, advocateId), now);
    }
}
