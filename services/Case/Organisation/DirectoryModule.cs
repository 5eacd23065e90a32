using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Organisation;

public static class DirectoryModule
{
    /// <summary>
    /// The organisation directory's services beyond its store: the regulatory profiles, <see cref="IEscalationDirectory"/>
    /// and the staff lookup the case lifecycle uses. Its collections are passed to <c>AddDocumentStore</c> by the case module.
    /// </summary>
    public static IHostApplicationBuilder AddOrganisationDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<DirectoryStore>();
        builder.Services.TryAddSingleton(sp => new RegulatoryProfiles(sp.GetServices<RegulatoryProfile>()));
        builder.Services.TryAddSingleton<EscalationDirectory>();
        builder.Services.TryAddSingleton<IEscalationDirectory>(sp => sp.GetRequiredService<EscalationDirectory>());
        builder.Services.TryAddSingleton<IStaffLookup, DirectoryStaffLookup>();
        return builder;
    }
}

/// <summary>A member of staff of a facility, as the case lifecycle needs them to tell them about a case assigned to them.</summary>
internal sealed class DirectoryStaffLookup(DirectoryStore directory) : IStaffLookup
{
    public async Task<Contracts.Case.StaffRecipient?> FindAsync(string facilityId, string personId, CancellationToken ct)
    {
        var person = (await directory.GetPersonAsync(personId, ct))?.Document;
        if (person is null || !person.CoversFacility(facilityId)) return null;
        var role = new[] { StaffRole.Advocate, StaffRole.PatientRelations }.Where(person.HasRole).Select(r => r.ToClaim()).FirstOrDefault() ?? person.Roles.FirstOrDefault() ?? "staff";
        return EscalationDirectory.ToRecipient(person, role);
    }
}
