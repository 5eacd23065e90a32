using Microsoft.AspNetCore.Http.HttpResults;

namespace PatientExperience.Case.Organisation;

public static class FacilitiesApi
{
    public static RouteGroupBuilder MapFacilitiesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/facilities", ListAsync)
            .WithTags("Directory")
            .AllowAnonymous()
            .WithName("ListFacilities")
            .WithSummary("Facilities with their departments and units.")
            .WithDescription("Public: the patient feedback form needs it to let a patient choose where their concern happened. Holds no PHI.");
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<Facility>>> ListAsync(DirectoryStore directory, CancellationToken ct) =>
        TypedResults.Ok(await directory.ListAsync(ct));
}
