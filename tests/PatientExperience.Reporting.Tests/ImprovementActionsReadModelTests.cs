using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case;
using PatientExperience.Reporting.Improvement;
using static PatientExperience.Contracts.Vocabulary.ImprovementActionStatus;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// The improvement actions read model fed through the bus: open, overdue, awaiting verification and verified per facility
/// and theme for the governance pack, whatever the order of the events and however often they arrive.
/// </summary>
public sealed class ImprovementActionsReadModelTests : IAsyncLifetime
{
    private readonly ReportingApp _app = ReportingApp.Create();
    private static readonly DateTimeOffset March = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private ImprovementActionsReadModel Model => _app.Services.GetRequiredService<ImprovementActionsReadModel>();

    private static ImprovementActionProposed Proposal(Guid id, string facility, string theme, DateOnly due) => new()
    {
        ActionId = id, FacilityId = facility, DepartmentId = "emergency", Theme = theme, OwnerId = "rg-emergency-head", DueDate = due,
        ProposedBy = "rg-patient-relations", ProposedAt = March,
    };

    private static ImprovementActionStatusChanged Changed(ImprovementActionProposed p, Contracts.Vocabulary.ImprovementActionStatus from, Contracts.Vocabulary.ImprovementActionStatus to, int sequence) => new()
    {
        ActionId = p.ActionId, FacilityId = p.FacilityId, DepartmentId = p.DepartmentId, Theme = p.Theme, DueDate = p.DueDate, From = from, To = to,
        Sequence = sequence, ChangedBy = "rg-emergency-head", ChangedAt = March.AddDays(sequence),
    };

    [Fact]
    public async Task Open_overdue_awaiting_verification_and_verified_actions_are_counted_per_facility_and_theme_whatever_the_order()
    {
        var overdue = Proposal(Guid.NewGuid(), "riverside-general", "wait-times", new DateOnly(2026, 3, 20));
        var inProgress = Proposal(Guid.NewGuid(), "riverside-general", "wait-times", new DateOnly(2026, 4, 30));
        var done = Proposal(Guid.NewGuid(), "riverside-general", "communication", new DateOnly(2026, 3, 10));
        var verified = Proposal(Guid.NewGuid(), "riverside-general", "billing", new DateOnly(2026, 3, 15));
        var elsewhere = Proposal(Guid.NewGuid(), "mesa-valley", "food", new DateOnly(2026, 3, 1));

        await _app.PublishAndAwaitAsync(
        [
            // Status changes before their proposals, out of order, and duplicated.
            Changed(verified, Done, Verified, 3), Changed(verified, Proposed, InProgress, 1), Changed(verified, InProgress, Done, 2),
            Changed(done, InProgress, Done, 2), Changed(inProgress, Proposed, InProgress, 1), Changed(done, Proposed, InProgress, 1),
            overdue, inProgress, done, verified, elsewhere,
            Changed(verified, Done, Verified, 3), overdue, Changed(done, Proposed, InProgress, 1),
        ]);

        var asOf = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
        var riverside = Assert.Single(await Model.ForFacilitiesAsync(["riverside-general"], asOf, Ct));
        Assert.Equal(("riverside-general", 2, 1, 1, 1), (riverside.FacilityId, riverside.Open, riverside.Overdue, riverside.AwaitingVerification, riverside.Verified));
        Assert.Equal([new ImprovementThemeCount("wait-times", 2, 1)], riverside.ByTheme);
        Assert.Equal([overdue.ActionId.ToString("D")], riverside.OverdueActionIds);

        var all = await Model.ForFacilitiesAsync(null, asOf, Ct);
        Assert.Equal(["mesa-valley", "riverside-general"], all.Select(f => f.FacilityId));
        Assert.Equal((1, 1), (all[0].Open, all[0].Overdue));

        // Overdue is as of the instant asked: the end of the due date.
        Assert.Equal(0, (await Model.ForFacilitiesAsync(["riverside-general"], new DateTimeOffset(2026, 3, 20, 23, 59, 0, TimeSpan.Zero), Ct)).Single().Overdue);
        var fact = (await Model.GetAsync(verified.ActionId, Ct))!.Document;
        Assert.Equal(3, fact.Sequence);
        // Every change once, by sequence, whatever the order and duplicates: the status at an earlier instant is known.
        Assert.Equal([(1, InProgress), (2, Done), (3, Verified)], fact.Changes.Select(c => (c.Sequence, c.To)));
        Assert.Equal(Done, fact.StatusAt(March.AddDays(2).AddHours(1)));
        Assert.Equal(Proposed, fact.StatusAt(March));
        Assert.Null(fact.StatusAt(March.AddSeconds(-1)));
    }
}
