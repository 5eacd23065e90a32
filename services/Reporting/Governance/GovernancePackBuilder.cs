namespace PatientExperience.Reporting.Governance;

/// <summary>Builds a facility's pack for a month from every registered section, in order.</summary>
public sealed class GovernancePackBuilder(IEnumerable<IGovernancePackSection> sections, TimeProvider clock)
{
    private readonly IReadOnlyList<IGovernancePackSection> _sections = sections.OrderBy(s => s.Order).ToList();

    public async Task<PackDocument> BuildAsync(string facilityId, PackMonth month, CancellationToken ct)
    {
        var context = new PackContext(facilityId, month, clock.GetUtcNow());
        var built = new List<PackSection>();
        foreach (var section in _sections) built.Add(await section.BuildAsync(context, ct));
        return new PackDocument(facilityId, month, context.Now, built);
    }
}
