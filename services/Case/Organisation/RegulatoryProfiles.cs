using System.Text.RegularExpressions;
using PatientExperience.Case.Sla;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// A regulatory regime a facility works under: it decides how concerns are classified and the default SLA deadlines
/// (used while the facility has no SLA policy of its own). Add one with <see cref="RegulatoryProfileExtensions.AddRegulatoryProfile"/>.
/// </summary>
public sealed record RegulatoryProfile(string Id, string Name, string Description, SlaDeadlines DefaultDeadlines);

/// <summary>The profiles this deployment knows: the built-in ones and any added at start-up.</summary>
public sealed partial class RegulatoryProfiles
{
    public const string CmsHospital = "cms-hospital";
    public const string CmsCriticalAccess = "cms-critical-access";
    public const string NhsEngland = "nhs-england";

    /// <summary>The profile of a facility that names none.</summary>
    public const string Default = CmsHospital;

    /// <summary>
    /// CMS Conditions of Participation (42 CFR 482.13(a)(2)): acknowledge within 1 business day, an interim notice if the
    /// grievance is not resolved within 7 days, the written response within 30 days.
    /// </summary>
    private static readonly SlaDeadlines CmsDeadlines = new(SlaDuration.BusinessDays(1), SlaDuration.CalendarDays(7), SlaDuration.CalendarDays(30));

    /// <summary>
    /// The Local Authority Social Services and NHS Complaints (England) Regulations 2009: acknowledge within 3 working days;
    /// the response within 6 months, taken as 180 days (never beyond six calendar months whatever the start date); an interim
    /// update after 25 working days, the response target most trusts publish, if the complaint is still open.
    /// </summary>
    private static readonly SlaDeadlines NhsDeadlines = new(SlaDuration.BusinessDays(3), SlaDuration.BusinessDays(25), SlaDuration.CalendarDays(180));

    public static readonly IReadOnlyList<RegulatoryProfile> BuiltIn =
    [
        new(CmsHospital, "CMS hospital", "US hospital under the CMS Conditions of Participation (complaints and grievances).", CmsDeadlines),
        new(CmsCriticalAccess, "CMS critical access hospital", "US critical access hospital under the CMS Conditions of Participation.", CmsDeadlines),
        new(NhsEngland, "NHS England", "NHS provider in England under the NHS complaints regulations 2009.", NhsDeadlines),
    ];

    private readonly Dictionary<string, RegulatoryProfile> _profiles = new(StringComparer.Ordinal);

    /// <summary>The built-in profiles plus <paramref name="added"/> (an added profile may not reuse an id).</summary>
    public RegulatoryProfiles(IEnumerable<RegulatoryProfile> added)
    {
        foreach (var p in BuiltIn.Concat(added))
        {
            if (!IdPattern().IsMatch(p.Id)) throw new ArgumentException($"Regulatory profile id '{p.Id}' must be lower-case letters, digits and hyphens.");
            if (!_profiles.TryAdd(p.Id, p)) throw new ArgumentException($"Regulatory profile '{p.Id}' is defined twice.");
        }
    }

    public IReadOnlyCollection<RegulatoryProfile> All => _profiles.Values;

    public bool IsKnown(string? id) => id is not null && _profiles.ContainsKey(id);

    /// <summary>The profile, or the <see cref="Default"/> one for an id this deployment does not know.</summary>
    public RegulatoryProfile Get(string? id) => id is not null && _profiles.TryGetValue(id, out var p) ? p : _profiles[Default];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex IdPattern();
}

public static class RegulatoryProfileExtensions
{
    /// <summary>Makes a further regulatory profile known (validated when the catalogue is built at start-up).</summary>
    public static IServiceCollection AddRegulatoryProfile(this IServiceCollection services, RegulatoryProfile profile) =>
        services.AddSingleton(profile);
}
