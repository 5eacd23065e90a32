using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Directory;

/// <summary>
/// The organisation directory's administration API (role <c>admin</c>, scoped to the facilities in the caller's token):
/// facilities (time zone, holidays, regulatory profile), departments and units, people, and escalation chains with the
/// compliance contact. Every read answers an ETag; every change needs <c>If-Match</c> (see <see cref="EntityTags"/>).
/// Bad input is a 400 problem naming the fields, and changes nothing.
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
        var name = v.Name("name", body.Name);
        var healthSystem = v.Name("healthSystem", body.HealthSystem);
        var timeZone = v.TimeZone("timeZone", body.TimeZone);
        var profile = v.Profile("regulatoryProfile", body.RegulatoryProfile, profiles);
        var holidays = v.Holidays("holidays", body.Holidays, required: false);
        var departments = new List<Department>();
        var unitIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (body.Departments?.Count ?? 0); i++)
        {
            var d = ValidDepartment(v, $"departments[{i}]", body.Departments![i], body.Departments[i].Id, unitIds);
            if (d is null) continue;
            if (departments.Any(x => x.Id == d.Id)) v.Add($"departments[{i}].id", "Used by another department of the facility.");
            else departments.Add(d);
        }

        if (!v.IsValid) return ProblemResults.Validation(v.Errors);
        var facility = new Facility
        {
            Id = id!, Name = name!, HealthSystem = healthSystem!, TimeZone = timeZone!, RegulatoryProfile = profile!, Holidays = holidays, Departments = departments,
        };
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

    internal static async Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateFacilityAsync(
        string facilityId, FacilitySettingsRequest body, ClaimsPrincipal user, DirectoryStore directory, RegulatoryProfiles profiles, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var stored = await directory.GetStoredAsync(facilityId, ct);
        if (stored is null) return TypedResults.NotFound();
        if (ifMatch is null) return EntityTags.Required();
        if (ifMatch != stored.Version) return EntityTags.Stale();

        var v = new DirectoryValidation();
        var name = v.Name("name", body.Name);
        var healthSystem = v.Name("healthSystem", body.HealthSystem);
        var timeZone = v.TimeZone("timeZone", body.TimeZone);
        var profile = v.Profile("regulatoryProfile", body.RegulatoryProfile, profiles);
        var holidays = v.Holidays("holidays", body.Holidays, required: true);
        if (!v.IsValid) return ProblemResults.Validation(v.Errors);

        var updated = stored.Document with { Name = name!, HealthSystem = healthSystem!, TimeZone = timeZone!, RegulatoryProfile = profile!, Holidays = holidays };
        return await ReplaceFacilityAsync(directory, updated, stored.Version, http, ct);
    }

    internal static async Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> PutDepartmentAsync(
        string facilityId, string departmentId, DepartmentRequest body, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var stored = await directory.GetStoredAsync(facilityId, ct);
        if (stored is null) return TypedResults.NotFound();
        if (ifMatch is null) return EntityTags.Required();
        if (ifMatch != stored.Version) return EntityTags.Stale();

        var v = new DirectoryValidation();
        v.Id("departmentId", departmentId);
        if (body.Id is not null && body.Id != departmentId) v.Add("id", "Must match the department in the route (or be omitted).");
        var otherUnits = stored.Document.Departments.Where(d => d.Id != departmentId).SelectMany(d => d.Units).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var department = ValidDepartment(v, "", body, departmentId, otherUnits);
        if (!v.IsValid || department is null) return ProblemResults.Validation(v.Errors);

        var existing = stored.Document.FindDepartment(departmentId);
        if (existing is not null)
        {
            var removed = existing.Units.Select(u => u.Id).Except(department.Units.Select(u => u.Id)).ToList();
            var chain = (await directory.GetChainAsync(facilityId, ct))?.Document;
            if (chain is not null && chain.Units.Any(u => removed.Contains(u.UnitId)))
                return EntityTags.Conflict("A unit this change removes is still named in the facility's escalation chain: remove it there first. Nothing was changed.");
        }

        var departments = existing is null
            ? [.. stored.Document.Departments, department]
            : stored.Document.Departments.Select(d => d.Id == departmentId ? department : d).ToList();
        return await ReplaceFacilityAsync(directory, stored.Document with { Departments = departments }, stored.Version, http, ct);
    }

    internal static async Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> DeleteDepartmentAsync(
        string facilityId, string departmentId, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return FacilityForbidden();
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var stored = await directory.GetStoredAsync(facilityId, ct);
        var existing = stored?.Document.FindDepartment(departmentId);
        if (stored is null || existing is null) return TypedResults.NotFound();
        if (ifMatch is null) return EntityTags.Required();
        if (ifMatch != stored.Version) return EntityTags.Stale();

        var chain = (await directory.GetChainAsync(facilityId, ct))?.Document;
        if (chain is not null && (chain.Departments.Any(d => d.DepartmentId == departmentId) || chain.Units.Any(u => existing.Units.Any(x => x.Id == u.UnitId))))
            return EntityTags.Conflict("The department or one of its units is still named in the facility's escalation chain: remove it there first. Nothing was changed.");
        var departments = stored.Document.Departments.Where(d => d.Id != departmentId).ToList();
        return await ReplaceFacilityAsync(directory, stored.Document with { Departments = departments }, stored.Version, http, ct);
    }

    private static async Task<Results<Ok<FacilityView>, NotFound, ValidationProblem, ProblemHttpResult>> ReplaceFacilityAsync(
        DirectoryStore directory, Facility updated, long expectedVersion, HttpContext http, CancellationToken ct)
    {
        try
        {
            var saved = await directory.ReplaceAsync(updated, expectedVersion, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(FacilityView.From(saved));
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Stale();
        }
    }

    /// <summary>A department from a request; its unit ids must be new to <paramref name="unitIds"/> (the facility's other units), which it extends.</summary>
    private static Department? ValidDepartment(DirectoryValidation v, string prefix, DepartmentRequest body, string? id, HashSet<string> unitIds)
    {
        var p = prefix.Length == 0 ? "" : prefix + ".";
        var departmentId = prefix.Length == 0 ? id : v.Id(p + "id", id);
        var name = v.Name(p + "name", body.Name);
        var units = new List<Unit>();
        if (body.Units is null) v.Add(p + "units", "Required: the department's units, [] for none.");
        for (var i = 0; i < (body.Units?.Count ?? 0); i++)
        {
            var u = body.Units![i];
            var unitId = v.Id($"{p}units[{i}].id", u.Id);
            var unitName = v.Name($"{p}units[{i}].name", u.Name);
            if (unitId is null || unitName is null) continue;
            if (!unitIds.Add(unitId)) v.Add($"{p}units[{i}].id", "Used by another unit of the facility.");
            else units.Add(new Unit { Id = unitId, Name = unitName });
        }

        return departmentId is null || name is null ? null : new Department { Id = departmentId, Name = name, Units = units };
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
        var (person, forbidden) = await ValidPersonAsync(v, id, body, user, directory, ct);
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
        // A person outside every facility of the caller is answered as not found.
        if (stored is null || !stored.Document.Covers.Any(c => user.CanAccessFacility(c.FacilityId))) return TypedResults.NotFound();
        EntityTags.Set(http, stored.Version);
        return TypedResults.Ok(PersonView.From(stored));
    }

    internal static async Task<Results<Ok<PersonView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdatePersonAsync(
        string personId, PersonRequest body, ClaimsPrincipal user, DirectoryStore directory, HttpContext http, CancellationToken ct)
    {
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var stored = await directory.GetPersonAsync(personId, ct);
        if (stored is null || !stored.Document.Covers.Any(c => user.CanAccessFacility(c.FacilityId))) return TypedResults.NotFound();
        // Changing a person changes what every facility they cover sees: the caller must cover all of them.
        if (!stored.Document.Covers.All(c => user.CanAccessFacility(c.FacilityId))) return ProblemResults.Forbidden("This person also covers facilities outside your access.");
        if (ifMatch is null) return EntityTags.Required();
        if (ifMatch != stored.Version) return EntityTags.Stale();

        var v = new DirectoryValidation();
        if (body.Id is not null && body.Id != personId) v.Add("id", "Must match the person in the route (or be omitted).");
        var (person, forbidden) = await ValidPersonAsync(v, personId, body, user, directory, ct);
        if (forbidden) return FacilityForbidden();
        if (!v.IsValid || person is null) return ProblemResults.Validation(v.Errors);
        try
        {
            var saved = await directory.ReplacePersonAsync(person, stored.Version, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(PersonView.From(saved));
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Stale();
        }
    }

    /// <summary>The person a request describes; forbidden when it covers a facility outside the caller's access.</summary>
    private static async Task<(Person? Person, bool Forbidden)> ValidPersonAsync(
        DirectoryValidation v, string? id, PersonRequest body, ClaimsPrincipal user, DirectoryStore directory, CancellationToken ct)
    {
        var name = v.Name("name", body.Name);
        var title = v.Name("title", body.Title, required: false);
        var email = v.Email("email", body.Email);
        var phone = v.Phone("phone", body.Phone);
        var pager = v.Phone("pager", body.Pager);
        if (string.IsNullOrWhiteSpace(body.Email) && string.IsNullOrWhiteSpace(body.Phone) && string.IsNullOrWhiteSpace(body.Pager))
            v.Add("email", "Give at least one of email, phone or pager, so escalations can reach this person.");
        var timeZone = v.TimeZone("timeZone", body.TimeZone, required: false);
        var roles = v.Roles("roles", body.Roles);

        var covers = new List<Coverage>();
        if (body.Covers is null || body.Covers.Count == 0) v.Add("covers", "At least one facility, department or unit.");
        else if (body.Covers.Count > DirectoryValidation.MaxListLength) v.Add("covers", $"At most {DirectoryValidation.MaxListLength} entries.");
        else
        {
            var facilities = new Dictionary<string, Facility?>(StringComparer.Ordinal);
            for (var i = 0; i < body.Covers.Count; i++)
            {
                var c = body.Covers[i];
                var field = $"covers[{i}]";
                var facilityId = v.Id(field + ".facilityId", c.FacilityId);
                if (facilityId is null) continue;
                if (!user.CanAccessFacility(facilityId)) return (null, true);
                if (!facilities.TryGetValue(facilityId, out var facility)) facilities[facilityId] = facility = await directory.GetAsync(facilityId, ct);
                if (facility is null)
                {
                    v.Add(field + ".facilityId", "No such facility.");
                    continue;
                }

                var coverage = ValidCoverage(v, field, facility, c);
                if (coverage is not null && !covers.Contains(coverage)) covers.Add(coverage);
            }
        }

        if (id is null || name is null || !v.IsValid) return (null, false);
        return (new Person { Id = id, Name = name, Title = title, Email = email, Phone = phone, Pager = pager, TimeZone = timeZone, Roles = roles, Covers = covers }, false);
    }

    /// <summary>A coverage entry at a facility: a unit implies its department.</summary>
    private static Coverage? ValidCoverage(DirectoryValidation v, string field, Facility facility, CoverageRequest c)
    {
        string? departmentId = null;
        if (!string.IsNullOrEmpty(c.DepartmentId))
        {
            if (facility.FindDepartment(c.DepartmentId) is null)
            {
                v.Add(field + ".departmentId", "No such department at the facility.");
                return null;
            }

            departmentId = c.DepartmentId;
        }

        if (string.IsNullOrEmpty(c.UnitId)) return new Coverage { FacilityId = facility.Id, DepartmentId = departmentId };
        var unitDepartment = facility.DepartmentOfUnit(c.UnitId);
        if (unitDepartment is null || (departmentId is not null && unitDepartment.Id != departmentId))
        {
            v.Add(field + ".unitId", "No such unit at the facility (or in that department).");
            return null;
        }

        return new Coverage { FacilityId = facility.Id, DepartmentId = unitDepartment.Id, UnitId = c.UnitId };
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
        var stored = await directory.GetChainAsync(facilityId, ct);
        var current = stored?.Version ?? 0;
        if (ifMatch != current) return EntityTags.Stale();

        var v = new DirectoryValidation();
        var covering = (await directory.ListPeopleAsync(ct)).Where(p => p.Document.CoversFacility(facilityId)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        bool Known(string id) => covering.Contains(id);

        var executive = v.PersonIds("executive", body.Executive, Known);
        string? compliance = null;
        if (!string.IsNullOrEmpty(body.ComplianceContact))
        {
            if (Known(body.ComplianceContact)) compliance = body.ComplianceContact;
            else v.Add("complianceContact", "Must be the id of a person in the directory who covers this facility.");
        }

        var departments = new List<DepartmentEscalation>();
        for (var i = 0; i < (body.Departments?.Count ?? 0); i++)
        {
            var d = body.Departments![i];
            var field = $"departments[{i}]";
            if (string.IsNullOrEmpty(d.DepartmentId) || facility.FindDepartment(d.DepartmentId) is null) v.Add(field + ".departmentId", "No such department at the facility.");
            else if (departments.Any(x => x.DepartmentId == d.DepartmentId)) v.Add(field + ".departmentId", "Listed twice.");
            else departments.Add(new DepartmentEscalation
            {
                DepartmentId = d.DepartmentId,
                Department = v.PersonIds(field + ".department", d.Department, Known),
                Executive = d.Executive is null ? null : v.PersonIds(field + ".executive", d.Executive, Known),
            });
        }

        var units = new List<UnitEscalation>();
        for (var i = 0; i < (body.Units?.Count ?? 0); i++)
        {
            var u = body.Units![i];
            var field = $"units[{i}]";
            if (string.IsNullOrEmpty(u.UnitId) || facility.DepartmentOfUnit(u.UnitId) is null) v.Add(field + ".unitId", "No such unit at the facility.");
            else if (units.Any(x => x.UnitId == u.UnitId)) v.Add(field + ".unitId", "Listed twice.");
            else units.Add(new UnitEscalation
            {
                UnitId = u.UnitId,
                Unit = v.PersonIds(field + ".unit", u.Unit, Known),
                Department = u.Department is null ? null : v.PersonIds(field + ".department", u.Department, Known),
                Executive = u.Executive is null ? null : v.PersonIds(field + ".executive", u.Executive, Known),
            });
        }

        if (!v.IsValid) return ProblemResults.Validation(v.Errors);
        var chain = new EscalationChain { FacilityId = facilityId, Executive = executive, ComplianceContact = compliance, Departments = departments, Units = units };
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
}
