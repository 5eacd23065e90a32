using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging;
using PatientExperience.Reporting.Governance;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Improvement;

/// <summary>Improvement actions of one theme in a facility: open (proposed or in progress) and, of those, overdue.</summary>
public sealed record ImprovementThemeCount(string Theme, int Open, int Overdue);

/// <summary>
/// A facility's improvement actions at an instant, for the governance pack: open (proposed or in progress), overdue (open
/// past the end of the due date), done and awaiting verification, verified; and the open and overdue ones per theme.
/// </summary>
public sealed record FacilityImprovementActions(
    string FacilityId, int Open, int Overdue, int AwaitingVerification, int Verified, IReadOnlyList<ImprovementThemeCount> ByTheme, IReadOnlyList<string> OverdueActionIds);

/// <summary>The port over <c>report_improvement_actions</c>: merges the case service's improvement action events and answers the governance query.</summary>
public sealed class ImprovementActionsReadModel([FromKeyedServices(ReportingModule.ServiceName)] IDocumentStore store)
{
    private const int MaxAttempts = 50;
    private const int PageSize = 1000;

    public static readonly CollectionDefinition Definition = new("report_improvement_actions") { IndexedFields = ["facilityId", "status", "dueAt"] };

    private readonly IDocumentCollection<ImprovementActionFact> _facts = store.Collection<ImprovementActionFact>(Definition);

    public Task<Stored<ImprovementActionFact>?> GetAsync(Guid actionId, CancellationToken ct) => _facts.GetAsync(actionId.ToString("D"), ct);

    /// <summary>Merges an event into the action's fact; a concurrent writer makes it read and merge again.</summary>
    public async Task ProjectAsync(Guid actionId, Func<ImprovementActionFact?, ImprovementActionFact> merge, CancellationToken ct)
    {
        var id = actionId.ToString("D");
        for (var attempt = 1; ; attempt++)
        {
            var existing = await _facts.GetAsync(id, ct);
            var merged = merge(existing?.Document);
            if (existing is not null && merged == existing.Document) return;
            try
            {
                if (existing is null) await _facts.InsertAsync(id, merged, [], ct);
                else await _facts.ReplaceAsync(id, merged, existing.Version, [], ct);
                return;
            }
            catch (Exception e) when (e is DuplicateDocumentException or ConcurrencyConflictException && attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>Every improvement action of one facility known to reporting, soonest due first.</summary>
    public async Task<IReadOnlyList<ImprovementActionFact>> FactsOfAsync(string facilityId, CancellationToken ct)
    {
        var facts = new List<ImprovementActionFact>();
        for (var page = 1; ; page++)
        {
            var result = await _facts.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("facilityId", facilityId)], SortBy = "dueAt", PageNumber = page, PageSize = PageSize }, ct);
            facts.AddRange(result.Items.Select(i => i.Document));
            if ((long)page * PageSize >= result.Total) break;
        }

        return facts;
    }

    /// <summary>
    /// The improvement actions of each facility (all when <paramref name="facilityIds"/> is null) as they stand at
    /// <paramref name="asOf"/>; facilities without any are left out. For the governance pack.
    /// </summary>
    public async Task<IReadOnlyList<FacilityImprovementActions>> ForFacilitiesAsync(IReadOnlyList<string>? facilityIds, DateTimeOffset asOf, CancellationToken ct)
    {
        var facts = new List<ImprovementActionFact>();
        var filters = facilityIds is null ? new List<FieldFilter>() : [FieldFilter.In("facilityId", facilityIds)];
        for (var page = 1; ; page++)
        {
            var result = await _facts.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "dueAt", PageNumber = page, PageSize = PageSize }, ct);
            facts.AddRange(result.Items.Select(i => i.Document));
            if ((long)page * PageSize >= result.Total) break;
        }

        return facts.GroupBy(f => f.FacilityId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new FacilityImprovementActions(
            g.Key,
            g.Count(f => f.IsOpen),
            g.Count(f => f.IsOverdueAt(asOf)),
            g.Count(f => f.Status == ImprovementActionStatus.Done),
            g.Count(f => f.Status == ImprovementActionStatus.Verified),
            g.Where(f => f.IsOpen).GroupBy(f => f.Theme).OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => new ImprovementThemeCount(t.Key, t.Count(), t.Count(f => f.IsOverdueAt(asOf)))).ToList(),
            g.Where(f => f.IsOverdueAt(asOf)).Select(f => f.ActionId).ToList())).ToList();
    }
}

/// <summary>Projects the case service's improvement action events (queue <c>reporting-improvement-actions</c>) into <see cref="ImprovementActionsReadModel"/>.</summary>
public sealed class ImprovementActionsProjection(ImprovementActionsReadModel model) : IConsumer<ImprovementActionProposed>, IConsumer<ImprovementActionStatusChanged>
{
    public const string Queue = "reporting-improvement-actions";

    public Task Consume(ConsumeContext<ImprovementActionProposed> context) =>
        model.ProjectAsync(context.Message.ActionId, f => ImprovementActionFact.Merge(f, context.Message), context.CancellationToken);

    public Task Consume(ConsumeContext<ImprovementActionStatusChanged> context) =>
        model.ProjectAsync(context.Message.ActionId, f => ImprovementActionFact.Merge(f, context.Message), context.CancellationToken);
}

public static class ImprovementActionsRegistration
{
    /// <summary>The improvement actions read model, its projection and its governance pack section (its collection is passed to the store by the module).</summary>
    public static IHostApplicationBuilder AddImprovementActionsReadModel(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ImprovementActionsReadModel>();
        builder.Services.AddSingleton<IGovernancePackSection, ImprovementActionsSection>();
        builder.Services.AddMessagingModule(bus => bus.AddConsumer<ImprovementActionsProjection>().Endpoint(e => e.Name = ImprovementActionsProjection.Queue));
        return builder;
    }
}
