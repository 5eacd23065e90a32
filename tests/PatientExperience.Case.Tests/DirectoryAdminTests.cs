using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The directory administration API: role admin, scoped to the caller's facilities, every change under If-Match so a stale
/// write is refused (412) instead of overwriting, and bad input a 400 problem that changes nothing.
/// </summary>
public sealed class DirectoryAdminTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryStore Directory => app.Services.GetRequiredService<DirectoryStore>();

    /// <summary>A facility of its own per test: two departments, three units.</summary>
    private async Task<string> FacilityAsync()
    {
        var id = "admin-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await Directory.TryAddAsync(new Facility
        {
            Id = id, Name = "Harbor North " + id, HealthSystem = "Harbor Health", TimeZone = "America/Chicago",
            Departments =
            [
                new Department { Id = "medicine", Name = "Medicine", Units = [new Unit { Id = "3-west", Name = "3 West" }, new Unit { Id = "3-east", Name = "3 East" }] },
                new Department { Id = "imaging", Name = "Imaging", Units = [new Unit { Id = "mri", Name = "MRI" }] },
            ],
        }, Ct));
        return id;
    }

    private static object PersonBody(string id, string facility, string role = "unit-manager", string? unitId = "3-west", string name = "Dana Whitfield") => new
    {
        id, name, title = "Nurse Manager", email = "dana.whitfield@example.org", phone = "+1-555-0142", pager = "+1-555-0143",
        timeZone = "America/Chicago", roles = new[] { role }, covers = new[] { new { facilityId = facility, unitId } },
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.Clone();
    }

    private static async Task<T> OkAsync<T>(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<T>(Ct))!;
    }

    // People

    [Fact]
    public async Task An_admin_creates_a_person_then_updates_them_with_If_Match_and_each_write_bumps_the_ETag()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var personId = facility + "-dana";

        var created = await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(personId, facility));
        var view = await OkAsync<PersonView>(created, HttpStatusCode.Created);
        Assert.Equal($"/api/v1/people/{personId}", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal(("Dana Whitfield", "dana.whitfield@example.org", 1L), (view.Name, view.Email, view.Version));
        // The unit implies its department.
        Assert.Equal(new Coverage { FacilityId = facility, DepartmentId = "medicine", UnitId = "3-west" }, Assert.Single(view.Covers));

        var read = await admin.GetAsync($"/api/v1/people/{personId}", Ct);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);

        var updated = await SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Dana Whitfield-Ortiz", unitId: "mri"), ifMatch: "\"1\"");
        var after = await OkAsync<PersonView>(updated);
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);
        Assert.Equal(("Dana Whitfield-Ortiz", "imaging", 2L), (after.Name, after.Covers[0].DepartmentId, after.Version));
        Assert.Equal("Dana Whitfield-Ortiz", (await Directory.GetPersonAsync(personId, Ct))!.Document.Name);
    }

    [Fact]
    public async Task A_stale_or_missing_If_Match_is_refused_and_the_newer_change_survives()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var personId = facility + "-lee";
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(personId, facility, name: "Lee Park")), HttpStatusCode.Created);
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Lee Park (first)"), "\"1\""));

        var stale = await SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Lee Park (stale)"), "\"1\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        var missing = await SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Lee Park (blind)"));
        await ProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        var wildcard = await SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Lee Park (any)"), "*");
        await ProblemAsync(wildcard, HttpStatusCode.BadRequest);

        var stored = await Directory.GetPersonAsync(personId, Ct);
        Assert.Equal(("Lee Park (first)", 2L), (stored!.Document.Name, stored.Version));
    }

    [Fact]
    public async Task Two_concurrent_updates_from_the_same_version_one_wins_the_other_is_refused()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var personId = facility + "-kim";
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(personId, facility, name: "Kim A")), HttpStatusCode.Created);

        var responses = await Task.WhenAll(
            SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Kim B"), "\"1\""),
            SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility, name: "Kim C"), "\"1\""));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<PersonView>(Ct);
        var stored = await Directory.GetPersonAsync(personId, Ct);
        Assert.Equal((winner!.Name, 2L), (stored!.Document.Name, stored.Version));
    }

    [Fact]
    public async Task A_bad_person_is_a_400_problem_naming_each_field_and_nothing_is_stored()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var personId = facility + "-bad";
        var body = new
        {
            id = personId, name = "", email = "not an address", phone = "call me", timeZone = "Mars/Olympus",
            roles = new[] { "unit-manager", "surgeon" }, covers = new[] { new { facilityId = facility, unitId = "no-such-unit" } },
        };

        var problem = await ProblemAsync(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", body), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "email", "phone", "timeZone", "roles", "covers[0].unitId" })
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}");
        Assert.Null(await Directory.GetPersonAsync(personId, Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/people/{personId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_person_needs_a_way_to_be_reached_and_a_unique_id()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var unreachable = new { id = facility + "-x", name = "X", roles = new[] { "advocate" }, covers = new[] { new { facilityId = facility } } };

        await ProblemAsync(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", unreachable), HttpStatusCode.BadRequest);
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(facility + "-y", facility)), HttpStatusCode.Created);
        await ProblemAsync(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(facility + "-y", facility, name: "Someone else")), HttpStatusCode.Conflict);
        Assert.Equal("Dana Whitfield", (await Directory.GetPersonAsync(facility + "-y", Ct))!.Document.Name);
    }

    [Theory]
    [InlineData("patient-relations")]
    [InlineData("executive")]
    [InlineData("unit-manager")]
    public async Task Only_admins_use_the_directory_administration_api(string role)
    {
        var facility = await FacilityAsync();
        var personId = facility + "-role";
        await Directory.InsertPersonAsync(new Person { Id = personId, Name = "P", Email = "p@example.org", Roles = ["advocate"], Covers = [new Coverage { FacilityId = facility }] }, Ct);
        var client = app.ClientFor(role, facility);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Post, "/api/v1/people", PersonBody(facility + "-new", facility))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, facility), "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/people/{personId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/facilities/{facility}/escalation-chain", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", new { executive = new[] { personId } }, "\"0\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/facilities/{facility}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/v1/facilities/{facility}", Ct)).StatusCode);
        Assert.Equal(1, (await Directory.GetPersonAsync(personId, Ct))!.Version);
        Assert.Null(await Directory.GetChainAsync(facility, Ct));
    }

    [Fact]
    public async Task An_admin_of_another_facility_can_neither_see_nor_change_its_people_or_chain()
    {
        var facility = await FacilityAsync();
        var personId = facility + "-hidden";
        await Directory.InsertPersonAsync(new Person { Id = personId, Name = "H", Email = "h@example.org", Roles = ["unit-manager"], Covers = [new Coverage { FacilityId = facility }] }, Ct);
        var elsewhere = app.ClientFor("admin", Samples.Mesa);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(elsewhere, HttpMethod.Post, "/api/v1/people", PersonBody(facility + "-sneaky", facility))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/v1/people/{personId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(elsewhere, HttpMethod.Put, $"/api/v1/people/{personId}", PersonBody(personId, Samples.Mesa), "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.GetAsync($"/api/v1/facilities/{facility}/people", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(elsewhere, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", new { executive = new[] { personId } }, "\"0\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(elsewhere, HttpMethod.Put, $"/api/v1/facilities/{facility}", new { name = "Taken over" }, "\"1\"")).StatusCode);
        Assert.Null(await Directory.GetPersonAsync(facility + "-sneaky", Ct));
        Assert.Null(await Directory.GetChainAsync(facility, Ct));
        Assert.StartsWith("Harbor North", (await Directory.GetAsync(facility, Ct))!.Name);
    }

    [Fact]
    public async Task Moving_a_person_into_a_facility_outside_the_callers_access_is_refused()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var personId = facility + "-mover";
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(personId, facility)), HttpStatusCode.Created);

        var response = await SendAsync(admin, HttpMethod.Put, $"/api/v1/people/{personId}",
            new { name = "Dana", email = "d@example.org", roles = new[] { "executive" }, covers = new[] { new { facilityId = Samples.Mesa } } }, "\"1\"");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, (await Directory.GetPersonAsync(personId, Ct))!.Version);
    }

    [Fact]
    public async Task The_people_of_a_facility_are_listed_by_name()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(facility + "-b", facility, name: "Bea")), HttpStatusCode.Created);
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody(facility + "-a", facility, name: "Abe")), HttpStatusCode.Created);

        var people = await OkAsync<List<PersonView>>(await admin.GetAsync($"/api/v1/facilities/{facility}/people", Ct));

        Assert.Equal(["Abe", "Bea"], people.Select(p => p.Name));
    }

    // Escalation chains

    [Fact]
    public async Task An_admin_sets_the_escalation_chain_with_If_Match_0_then_changes_it_with_its_ETag()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        foreach (var (id, role) in new[] { ("nm", "unit-manager"), ("head", "department-head"), ("cno", "executive"), ("coo", "executive"), ("comp", "compliance") })
            await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody($"{facility}-{id}", facility, role, unitId: null)), HttpStatusCode.Created);

        var empty = await admin.GetAsync($"/api/v1/facilities/{facility}/escalation-chain", Ct);
        Assert.Equal("\"0\"", empty.Headers.ETag?.Tag);
        Assert.Empty((await OkAsync<EscalationChainView>(empty)).Executive);

        var chain = new
        {
            executive = new[] { $"{facility}-cno", $"{facility}-coo" },
            complianceContact = $"{facility}-comp",
            departments = new[] { new { departmentId = "medicine", department = new[] { $"{facility}-head" } } },
            units = new[] { new { unitId = "3-west", unit = new[] { $"{facility}-nm" } } },
        };
        var set = await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", chain, "\"0\"");
        var view = await OkAsync<EscalationChainView>(set);
        Assert.Equal("\"1\"", set.Headers.ETag?.Tag);
        Assert.Equal([$"{facility}-cno", $"{facility}-coo"], view.Executive);
        Assert.Equal($"{facility}-comp", view.ComplianceContact);

        await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", chain, "\"0\""), HttpStatusCode.PreconditionFailed);
        await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", chain), HttpStatusCode.PreconditionRequired);

        var changed = await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", chain, "\"1\"");
        Assert.Equal("\"2\"", changed.Headers.ETag?.Tag);
        var stored = await Directory.GetChainAsync(facility, Ct);
        Assert.Equal(2, stored!.Version);
        Assert.Equal($"{facility}-nm", Assert.Single(Assert.Single(stored.Document.Units).Unit));
    }

    [Fact]
    public async Task A_chain_naming_unknown_people_departments_or_units_is_refused_and_changes_nothing()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody($"{facility}-nm", facility)), HttpStatusCode.Created);
        var chain = new
        {
            executive = new[] { "rg-cno" }, // exists, but covers another facility
            complianceContact = "nobody",
            departments = new[] { new { departmentId = "cardiology", department = new[] { $"{facility}-nm" } } },
            units = new[] { new { unitId = "3-west", unit = new[] { $"{facility}-nm", "ghost" } } },
        };

        var problem = await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain", chain, "\"0\""), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "executive[0]", "complianceContact", "departments[0].departmentId", "units[0].unit[1]" })
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}");
        Assert.Null(await Directory.GetChainAsync(facility, Ct));
    }

    // Facilities, departments and units

    [Fact]
    public async Task An_admin_changes_a_facilitys_time_zone_holidays_and_profile_with_If_Match()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var read = await admin.GetAsync($"/api/v1/facilities/{facility}", Ct);
        var before = await OkAsync<FacilityView>(read);
        Assert.Equal(("cms-hospital", "\"1\""), (before.RegulatoryProfile, read.Headers.ETag?.Tag));
        var settings = new
        {
            name = "Harbor North Critical Access", healthSystem = "Harbor Health", timeZone = "America/Denver", regulatoryProfile = "cms-critical-access",
            holidays = new[] { "2025-12-25", "2025-07-04", "2025-12-25" },
        };

        var updated = await OkAsync<FacilityView>(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}", settings, "\"1\""));

        Assert.Equal(("America/Denver", "cms-critical-access", 2L), (updated.TimeZone, updated.RegulatoryProfile, updated.Version));
        Assert.Equal([new DateOnly(2025, 7, 4), new DateOnly(2025, 12, 25)], updated.Holidays);
        Assert.Equal(before.Departments.Count, updated.Departments.Count);
        Assert.Equal("cms-critical-access", (await app.Services.GetRequiredService<Sla.ISlaPolicies>().CurrentAsync(facility, Ct)).RegulatoryProfile);
        await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}", settings, "\"1\""), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Bad_facility_settings_are_a_400_problem_and_change_nothing()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        var settings = new { name = "X", healthSystem = "Harbor Health", timeZone = "Eastern Standard Time", regulatoryProfile = "joint-commission", holidays = new[] { "25/12/2025" } };

        var problem = await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}", settings, "\"1\""), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "timeZone", "regulatoryProfile", "holidays[0]" })
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}");
        var stored = await Directory.GetStoredAsync(facility, Ct);
        Assert.Equal(("America/Chicago", 1L), (stored!.Document.TimeZone, stored.Version));
    }

    [Fact]
    public async Task An_admin_adds_a_facility_it_may_act_for_and_it_appears_in_the_public_list()
    {
        var id = "new-" + Guid.NewGuid().ToString("N")[..8];
        var body = new
        {
            id, name = "Harbor South", healthSystem = "Harbor Health", timeZone = "America/Los_Angeles", regulatoryProfile = "cms-critical-access",
            holidays = new[] { "2025-11-27" },
            departments = new[] { new { id = "emergency", name = "Emergency", units = new[] { new { id = "ed", name = "ED" } } } },
        };

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app.ClientFor("admin", Samples.Mesa), HttpMethod.Post, "/api/v1/facilities", body)).StatusCode);
        var created = await SendAsync(app.ClientFor("admin", id), HttpMethod.Post, "/api/v1/facilities", body);
        var view = await OkAsync<FacilityView>(created, HttpStatusCode.Created);
        Assert.Equal(($"/api/v1/facilities/{id}", "\"1\""), (created.Headers.Location?.OriginalString, created.Headers.ETag?.Tag));
        Assert.Equal("ed", view.Departments.Single().Units.Single().Id);
        await ProblemAsync(await SendAsync(app.ClientFor("admin", "*"), HttpMethod.Post, "/api/v1/facilities", body), HttpStatusCode.Conflict);

        var listed = await app.CreateClient().GetFromJsonAsync<List<Facility>>("/api/v1/facilities", Ct);
        Assert.Equal("America/Los_Angeles", listed!.Single(f => f.Id == id).TimeZone);
    }

    [Fact]
    public async Task Departments_and_units_are_added_and_replaced_under_the_facilitys_ETag()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);

        var added = await OkAsync<FacilityView>(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/departments/oncology",
            new { name = "Oncology", units = new[] { new { id = "infusion", name = "Infusion" } } }, "\"1\""));
        Assert.Equal(2, added.Version);
        Assert.Equal(["medicine", "imaging", "oncology"], added.Departments.Select(d => d.Id));

        // A unit id belongs to one department of the facility.
        var clash = await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/departments/imaging",
            new { name = "Imaging", units = new[] { new { id = "mri", name = "MRI" }, new { id = "3-west", name = "Also 3 West" } } }, "\"2\"");
        Assert.True((await ProblemAsync(clash, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("units[1].id", out _));

        var replaced = await OkAsync<FacilityView>(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/departments/imaging",
            new { name = "Diagnostic Imaging", units = new[] { new { id = "mri", name = "MRI" }, new { id = "ct", name = "CT" } } }, "\"2\""));
        Assert.Equal(("Diagnostic Imaging", 3L), (replaced.Departments.Single(d => d.Id == "imaging").Name, replaced.Version));
        await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/departments/imaging",
            new { name = "Stale", units = Array.Empty<object>() }, "\"2\""), HttpStatusCode.PreconditionFailed);

        var removed = await OkAsync<FacilityView>(await SendAsync(admin, HttpMethod.Delete, $"/api/v1/facilities/{facility}/departments/oncology", ifMatch: "\"3\""));
        Assert.Equal(["medicine", "imaging"], removed.Departments.Select(d => d.Id));
    }

    [Fact]
    public async Task A_department_or_unit_the_escalation_chain_names_cannot_be_removed()
    {
        var facility = await FacilityAsync();
        var admin = app.ClientFor("admin", facility);
        await OkAsync<PersonView>(await SendAsync(admin, HttpMethod.Post, "/api/v1/people", PersonBody($"{facility}-nm", facility)), HttpStatusCode.Created);
        await OkAsync<EscalationChainView>(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/escalation-chain",
            new { units = new[] { new { unitId = "3-west", unit = new[] { $"{facility}-nm" } } } }, "\"0\""));

        await ProblemAsync(await SendAsync(admin, HttpMethod.Delete, $"/api/v1/facilities/{facility}/departments/medicine", ifMatch: "\"1\""), HttpStatusCode.Conflict);
        await ProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/v1/facilities/{facility}/departments/medicine",
            new { name = "Medicine", units = new[] { new { id = "3-east", name = "3 East" } } }, "\"1\""), HttpStatusCode.Conflict);

        var stored = await Directory.GetStoredAsync(facility, Ct);
        Assert.Equal((1L, 2), (stored!.Version, stored.Document.FindDepartment("medicine")!.Units.Count));
    }
}
