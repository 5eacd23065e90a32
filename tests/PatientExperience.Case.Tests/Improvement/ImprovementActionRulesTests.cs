using PatientExperience.Case.Improvement;
using static PatientExperience.Contracts.Vocabulary.ImprovementActionStatus;

namespace PatientExperience.Case.Tests.Improvement;

/// <summary>The improvement action's rules without HTTP: what a proposal needs, and the one-step-forward lifecycle.</summary>
public sealed class ImprovementActionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    private static string Protect(string s) => $"enc({s.Length})";

    private static ImprovementActionDraft Draft() => new(Samples.Riverside, "emergency", "Triage wait under 30 minutes", "wait-times", [], null, "rg-emergency-head",
        new DateOnly(2026, 4, 30), "Median triage wait below 30 minutes for 4 weeks");

    private static ImprovementAction NewAction() => ImprovementAction.Propose(Draft(), "rg-patient-relations", null, _ => Protect, Now).Action!;

    [Fact]
    public void A_proposal_is_proposed_with_its_text_protected_and_due_at_the_end_of_its_due_date()
    {
        var (action, errors) = ImprovementAction.Propose(Draft(), "rg-patient-relations", "key-1", _ => Protect, Now);
        Assert.Empty(errors);
        Assert.Equal((Proposed, "enc(28)", "wait-times"), (action!.Status, action.ProtectedTitle, action.Theme));
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), action.DueAt);
        Assert.False(action.IsOverdueAt(action.DueAt));
        Assert.True(action.IsOverdueAt(action.DueAt.AddSeconds(1)));
        var proposed = action.ToProposedEvent();
        Assert.Equal((action.Id, "emergency", "rg-emergency-head"), (proposed.ActionId, proposed.DepartmentId, proposed.OwnerId));
    }

    [Fact]
    public void A_proposal_names_every_field_that_is_wrong()
    {
        var draft = new ImprovementActionDraft(null, " ", new string('x', 201), "parking", [Guid.Empty], "", null, new DateOnly(2026, 3, 9), "bad\u202Etext");
        var (action, errors) = ImprovementAction.Propose(draft, "someone", null, _ => Protect, Now);
        Assert.Null(action);
        Assert.Equal(["departmentId", "dueDate", "facilityId", "linkedCaseIds", "linkedSignalId", "measure", "ownerId", "theme", "title"], errors.Keys.Order());
    }

    [Fact]
    public void The_lifecycle_moves_one_step_forward_at_a_time_and_verifying_needs_evidence()
    {
        var action = NewAction();
        Assert.NotNull(action.MoveTo(Done, null, "x", Protect, Now).ConflictReason);
        Assert.NotNull(action.MoveTo(Verified, "proof", "x", Protect, Now).ConflictReason);

        var started = action.MoveTo(InProgress, null, "rg-emergency-head", Protect, Now).Event!;
        Assert.Equal((Proposed, InProgress, 1), (started.From, started.To, started.Sequence));
        Assert.NotNull(action.MoveTo(Proposed, null, "x", Protect, Now).ConflictReason);
        Assert.Equal(2, action.MoveTo(Done, null, "x", Protect, Now).Event!.Sequence);
        Assert.False(action.IsOverdueAt(action.DueAt.AddDays(1)));

        Assert.Equal("evidence", action.MoveTo(Verified, " ", "x", Protect, Now).InvalidField?.Field);
        Assert.Equal(Done, action.Status);
        var verified = action.MoveTo(Verified, "Median wait 22 minutes, weeks 14-17", "x", Protect, Now).Event!;
        Assert.Equal((Done, Verified, 3), (verified.From, verified.To, verified.Sequence));
        Assert.Equal("enc(35)", action.ProtectedEvidence);
        Assert.NotNull(action.MoveTo(Verified, "again", "x", Protect, Now).ConflictReason);
        Assert.Equal(new ImprovementActionStatus?[] { null, Proposed, InProgress, Done }, action.History.Select(h => h.From));
    }

    [Fact]
    public void Evidence_is_given_when_verifying_not_before()
    {
        var action = NewAction();
        Assert.Equal("evidence", action.MoveTo(InProgress, "too early", "x", Protect, Now).InvalidField?.Field);
        Assert.Equal((Proposed, 0), (action.Status, action.Sequence));
    }
}
