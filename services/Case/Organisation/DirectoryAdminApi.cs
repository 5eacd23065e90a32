using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// The organisation directory's administration API (role <c>admin</c>, scoped to the facilities in the caller's token):
/// facilities (time zone, holidays, regulatory profile), departments and units, people, and escalation chains with the
/// compliance contact, and triage rotas. Every read answers an ETag; every change needs <c>If-Match</c> (see <see cref="EntityTags"/>).
/// Bad input is a 400 problem naming the fields, and changes nothing. The rules live in the model: requests map themselves
/// (<see cref="FacilityRequest.ToFacility"/>, <see cref="PersonRequest.ToPersonAsync"/>...), <see cref="Facility.Cover"/> says what a
/// person may cover, <see cref="UnitRemovalRule"/> keeps the escalation chain whole, <see cref="EscalationChainBuilder"/> says who and
/// what a chain may name, <see cref="TriageRotaBuilder"/> what a triage rota may, and <see cref="Person"/> who may see and change a person.
/// </summary>
public static class DirectoryAdminApi
{
    public const StaffRole AdminRole = StaffRole.Admin;

    public static RouteGroupBuilder MapDirectoryAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").WithTags("Directory administration").RequireAuthorization(p => p.RequireRole(AdminRole.ToClaim()));

        admin.MapPost("/facilities", CreateFacilityAsync).WithName("CreateFacility").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds a facility (with its departments and units).");
        admin.MapGet("/facilities/{facilityId}", GetFacilityAsync).WithName("GetFacility").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("A facility with its time zone, holidays, regulatory profile, departments and units. The ETag carries its version.");
        admin.MapPut("/facilities/{facilityId}", UpdateFacilityAsync).WithName("UpdateFacility").ProducesChangeProblems()
            .WithSummary("Replaces a facility's name, health system, time zone, regulatory profile and holidays. Needs If-Match.");
        admin.MapPut("/facilities/{facilityId}/departments/{departmentId}", PutDepartmentAsync).WithName("PutDepartment").ProducesChangeProblems().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds or replaces a department and its units. Needs If-Match with the facility's ETag.");
        admin.MapDelete("/facilities/{facilityId}/departments/{departmentId}", DeleteDepartmentAsync).WithName("DeleteDepartment").ProducesChangeProblems().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Removes a department the escalation chain no longer names. Needs If-Match with the facility's ETag.");

        admin.MapGet("/facilities/{facilityId}/people", ListPeopleAsync).WithName("ListPeople").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The people who cover a facility (or a department or unit of it), by name.");
        admin.MapPost("/people", CreatePersonAsync).WithName("CreatePerson").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds a person: contact details, roles and what they cover.");
        admin.MapGet("/people/{personId}", GetPersonAsync).WithName("GetPerson")
            .WithSummary("A person. The ETag carries their version.");
        admin.MapPut("/people/{personId}", UpdatePersonAsync).WithName("UpdatePerson").ProducesChangeProblems()
            .WithSummary("Replaces a person's details, roles and coverage. Needs If-Match.");

        admin.MapGet("/facilities/{facilityId}/escalation-chain", GetChainAsync).WithName("GetEscalationChain").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Who holds each escalation level of the facility, and its compliance contact. ETag \"0\" while none is set.");
        admin.MapPut("/facilities/{facilityId}/escalation-chain", PutChainAsync).WithName("PutEscalationChain").ProducesChangeProblems()
            .WithSummary("Replaces the facility's escalation chain and compliance contact. Needs If-Match (\"0\" to set the first one).");

        admin.MapGet("/facilities/{facilityId}/triage-rota", GetRotaAsync).WithName("GetTriageRota").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Who is on duty to triage critical concerns from anonymous channels: weekly shifts on the facility's clock and dated covers. ETag \"0\" while none is set.");
        admin.MapPut("/facilities/{facilityId}/triage-rota", PutRotaAsync).WithName("PutTriageRota").ProducesChangeProblems()
            .WithSummary("Replaces the facility's triage rota. Needs If-Match (\"0\" to set the first one).");
        return api;
    }

    private static ProblemHttpResult FacilityForbidden() => ProblemResults.Forbidden("Your access does not cover this facility.");

    // Facilities

    internal static async Task<Results<Created<FacilityView>, ValidationProblem, ProblemHttpResult>> CreateFacilityAsync(
        FacilityRequest body, ClaimsPrincipal user, DirectoryStore directory, RegulatoryProfiles profiles, HttpContext http, CancellationToken ct)
    {
        var v = new DirectoryValidation();
        var id = v.Id("id", body.Id);
        if (id is not null && !user.CanAccessFacility(id)) return FacilityForbidden();
        if (body.ToFacility(v, id, profiles) is not { } facility) return ProblemResults.Validation(v.Errors);
        try
        {
            var stored = await directory.InsertAsync(facility, ct);
            EntityTags.Set(http, stored.Version);
            return TypedResults.Created($"/api/v1/facilities/{facility.Id}", FacilityView.From(stored));
        }
        catch (DuplicateDocumentException)
        {
            return EntityTags.Conflict("A facility with this id exists; nothing was changed.");
        }
    }

    internal static async Task<Results<Ok<FacilityView>, NotFound, ProblemHttpResult>> GetFacilityAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        var stored = await directory.GetStoredAsync(facilityId, ct);
        if (stored is null) return TypedResults.NotFound();
        EntityTags.Set(http, stored.Version);
        return TypedResults.Ok(FacilityView.From(stored));
    }

    internal static Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateFacilityAsync(
        string facilityId, FacilitySettingsRequest body, ClaimsPrincipal user, DirectoryStore directory, RegulatoryProfiles profiles, HttpContext http, CancellationToken ct) =>
        ChangeFacilityAsync(facilityId, user, directory, http, ct, facility =>
        {
            var v = new DirectoryValidation();
            return Task.FromResult(body.ApplyTo(facility, v, profiles) is { } updated ? FacilityChange.To(updated) : FacilityChange.Invalid(v));
        });

    internal static Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> PutDepartmentAsync(
        string facilityId, string departmentId, DepartmentRequest body, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct) =>
        ChangeFacilityAsync(facilityId, user, directory, http, ct, async facility =>
        {
            var v = new DirectoryValidation();
            v.Id("departmentId", departmentId);
            if (body.Id is not null && body.Id != departmentId) v.Add("id", "Must match the department in the route (or be omitted).");
            var department = body.ToDepartment(v, "", departmentId, facility.UnitIdsOutside(departmentId));
            if (!v.IsValid || department is null) return FacilityChange.Invalid(v);
            if (facility.FindDepartment(departmentId) is { } existing
                && UnitRemovalRule.CheckReplacing(existing, department, (await directory.GetChainAsync(facilityId, ct))?.Document) is { } refusal)
                return FacilityChange.Refused(refusal);
            return FacilityChange.To(facility.WithDepartment(department));
        });

    internal static Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> DeleteDepartmentAsync(
        string facilityId, string departmentId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct) =>
        ChangeFacilityAsync(facilityId, user, directory, http, ct, async facility =>
        {
            var chain = (await directory.GetChainAsync(facilityId, ct))?.Document;
            return UnitRemovalRule.CheckRemoving(facility.FindDepartment(departmentId)!, chain) is { } refusal
                ? FacilityChange.Refused(refusal)
                : FacilityChange.To(facility.WithoutDepartment(departmentId));
        }, exists: facility => facility.FindDepartment(departmentId) is not null);

    /// <summary>What a change to a facility comes to: the facility after it, bad fields, or a rule's refusal (409).</summary>
    private sealed record FacilityChange(Facility? Updated, IDictionary<string, string[]>? Errors, string? Refusal)
    {
        public static FacilityChange To(Facility updated) => new(updated, null, null);

        public static FacilityChange Invalid(DirectoryValidation v) => new(null, v.Errors, null);

        public static FacilityChange Refused(string refusal) => new(null, null, refusal);
    }

    /// <summary>
    /// A change to a stored facility under If-Match: the caller's access, a well-formed If-Match, the facility (and whatever
    /// <paramref name="exists"/> also needs, else 404), a current version, then <paramref name="change"/> and the write.
    /// </summary>
    private static async Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeFacilityAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct,
        Func<Facility, Task<FacilityChange>> change, Func<Facility, bool>? exists = null)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var stored = await directory.GetStoredAsync(facilityId, ct);
        if (stored is null || (exists is not null && !exists(stored.Document))) return TypedResults.NotFound();
        if (ifMatch is null) return EntityTags.Required();
        if (ifMatch != stored.Version) return EntityTags.Stale();

        var outcome = await change(stored.Document);
        if (outcome.Errors is { } errors) return ProblemResults.Validation(errors);
        if (outcome.Refusal is { } refusal) return EntityTags.Conflict(refusal);
        try
        {
            var saved = await directory.ReplaceAsync(outcome.Updated!, stored.Version, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(FacilityView.From(saved));
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Stale();
        }
    }

    // People

    internal static async Task<Results<Ok<IReadOnlyList<PersonView>>, NotFound, ProblemHttpResult>> ListPeopleAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();
        var people = (await directory.ListPeopleAsync(ct))
            .Where(p => p.Document.CoversFacility(facilityId))
            .OrderBy(p => p.Document.Name, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(PersonView.From).ToList();
        return TypedResults.Ok<IReadOnlyList<PersonView>>(people);
    }

    internal static async Task<Results<Created<PersonView>, ValidationProblem, ProblemHttpResult>> CreatePersonAsync(
        PersonRequest body, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        var v = new DirectoryValidation();
        var id = v.Id("id", body.Id);
        var (person, forbidden) = await body.ToPersonAsync(v, id, user.CanAccessFacility, directory.GetAsync, ct);
        if (forbidden) return FacilityForbidden();
        if (!v.IsValid || person is null) return ProblemResults.Validation(v.Errors);
        try
        {
            var stored = await directory.InsertPersonAsync(person, ct);
            EntityTags.Set(http, stored.Version);
            return TypedResults.Created($"/api/v1/people/{person.Id}", PersonView.From(stored));
        }
        catch (DuplicateDocumentException)
        {
            return EntityTags.Conflict("A person with this id exists; nothing was changed.");
        }
    }

    internal static async Task<Results<Ok<PersonView>, NotFound>> GetPersonAsync(
        string personId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        var stored = await directory.GetPersonAsync(personId, ct);
        if (stored is null || !stored.Document.IsVisibleTo(user.CanAccessFacility)) return TypedResults.NotFound();
        EntityTags.Set(http, stored.Version);
        return TypedResults.Ok(PersonView.From(stored));
    }

    internal static async Task<Results<Ok<PersonView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdatePersonAsync(
        string personId, PersonRequest body, ClaimsPrincipal user, DirectoryStore directory, Advocacy.LeaveReassignmentNotices leaveNotices, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var stored = await directory.GetPersonAsync(personId, ct);
        if (stored is null || !stored.Document.IsVisibleTo(user.CanAccessFacility)) return TypedResults.NotFound();
        if (!stored.Document.MayBeChangedBy(user.CanAccessFacility)) return ProblemResults.Forbidden("This person also covers facilities outside your access.");
        if (ifMatch is null) return EntityTags.Required();
        if (ifMatch != stored.Version) return EntityTags.Stale();

        var v = new DirectoryValidation();
        if (body.Id is not null && body.Id != personId) v.Add("id", "Must match the person in the route (or be omitted).");
        var (person, forbidden) = await body.ToPersonAsync(v, personId, user.CanAccessFacility, directory.GetAsync, ct);
        if (forbidden) return FacilityForbidden();
        if (!v.IsValid || person is null) return ProblemResults.Validation(v.Errors);
        try
        {
            // An advocate given leave while carrying cases: the patient-relations leads are told to reassign them, in the same write.
            var now = clock.GetUtcNow();
            var notices = await leaveNotices.ForAsync(stored.Document, person, user.PersonId() ?? "unknown", now, ct);
            var saved = await directory.ReplacePersonAsync(person, stored.Version, notices, now, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(PersonView.From(saved));
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Stale();
        }
    }

    // Escalation chains

    internal static async Task<Results<Ok<EscalationChainView>, NotFound, ProblemHttpResult>> GetChainAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();
        var stored = await directory.GetChainAsync(facilityId, ct);
        var version = stored?.Version ?? 0;
        EntityTags.Set(http, version);
        return TypedResults.Ok(EscalationChainView.From(stored?.Document ?? EscalationChain.Empty(facilityId), version));
    }

    internal static async Task<Results<Ok<EscalationChainView>, NotFound, ValidationProblem, ProblemHttpResult>> PutChainAsync(
        string facilityId, EscalationChainRequest body, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var facility = await directory.GetAsync(facilityId, ct);
        if (facility is null) return TypedResults.NotFound();
        if (ifMatch is null) return EntityTags.Required();
        var current = (await directory.GetChainAsync(facilityId, ct))?.Version ?? 0;
        if (ifMatch != current) return EntityTags.Stale();

        var v = new DirectoryValidation();
        var people = (await directory.ListPeopleAsync(ct)).Select(p => p.Document);
        if (body.ToChain(v, facility, people) is not { } chain) return ProblemResults.Validation(v.Errors);
        try
        {
            var saved = current == 0 ? await directory.InsertChainAsync(chain, ct) : await directory.ReplaceChainAsync(chain, current, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(EscalationChainView.From(saved.Document, saved.Version));
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DuplicateDocumentException)
        {
            return EntityTags.Stale();
        }
    }

    // Triage rotas

    internal static async Task<Results<Ok<TriageRotaView>, NotFound, ProblemHttpResult>> GetRotaAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (await directory.GetAsync(facilityId, ct) is not { } facility) return TypedResults.NotFound();
        var stored = await directory.GetRotaAsync(facilityId, ct);
        var version = stored?.Version ?? 0;
        EntityTags.Set(http, version);
        return TypedResults.Ok(TriageRotaView.From(stored?.Document ?? TriageRota.Empty(facilityId), facility, version));
    }

    internal static async Task<Results<Ok<TriageRotaView>, NotFound, ValidationProblem, ProblemHttpResult>> PutRotaAsync(
        string facilityId, TriageRotaRequest body, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var facility = await directory.GetAsync(facilityId, ct);
        if (facility is null) return TypedResults.NotFound();
        if (ifMatch is null) return EntityTags.Required();
        var current = (await directory.GetRotaAsync(facilityId, ct))?.Version ?? 0;
        if (ifMatch != current) return EntityTags.Stale();

        var v = new DirectoryValidation();
        var people = (await directory.ListPeopleAsync(ct)).Select(p => p.Document);
        if (body.ToRota(v, facility, people) is not { } rota) return ProblemResults.Validation(v.Errors);
        try
        {
            var saved = current == 0 ? await directory.InsertRotaAsync(rota, ct) : await directory.ReplaceRotaAsync(rota, current, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(TriageRotaView.From(saved.Document, facility, saved.Version));
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DuplicateDocumentException)
        {
            return EntityTags.Stale();
        }
    }
}
