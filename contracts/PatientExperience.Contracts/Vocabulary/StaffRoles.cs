namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Roles as the <c>role</c> claim carries them: the one mapping between <see cref="StaffRole"/> and the claim string.</summary>
public static class StaffRoles
{
    /// <summary>The claim value of a role, e.g. <c>patient-relations</c>.</summary>
    public static string ToClaim(this StaffRole role) => role.ToWire();

    /// <summary>The claim values of roles, for <c>RequireRole</c> and <c>IsInRole</c>.</summary>
    public static string[] ToClaims(this IEnumerable<StaffRole> roles) => roles.Select(ToClaim).ToArray();

    /// <summary>Every role's claim value, in declaration order.</summary>
    public static IReadOnlyList<string> AllClaims => Wire.All<StaffRole>();
}
