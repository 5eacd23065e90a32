using System.Security.Claims;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.ServiceDefaults.Security;

/// <summary>The claims the platform reads from a token, and the roles it knows.</summary>
public static class PlatformClaims
{
    public const string Role = "role";
    /// <summary>One claim per facility the caller may act for; <c>*</c> means every facility.</summary>
    public const string Facility = "facility";
    public const string AllFacilities = "*";

    /// <summary>The claim values of every <see cref="StaffRole"/>.</summary>
    public static IReadOnlyList<string> Roles => StaffRoles.AllClaims;

    public static bool IsInRole(this ClaimsPrincipal user, StaffRole role) => user.IsInRole(role.ToClaim());

    public static string? PersonId(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static IReadOnlyList<string> Facilities(this ClaimsPrincipal user) =>
        user.FindAll(Facility).Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    public static bool HasAllFacilities(this ClaimsPrincipal user) => user.Facilities().Contains(AllFacilities);

    /// <summary>Whether the caller's token covers the facility. Every service checks this itself, not only the gateway.</summary>
    public static bool CanAccessFacility(this ClaimsPrincipal user, string facilityId) =>
        user.Identity?.IsAuthenticated == true && (user.HasAllFacilities() || user.Facilities().Contains(facilityId, StringComparer.Ordinal));
}
