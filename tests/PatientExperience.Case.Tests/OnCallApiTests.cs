using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>
/// Who is on call (<c>GET /facilities/{id}/on-call</c>): every staff role of the facility sees who each escalation level and the
/// anonymous-critical triage reach at each department and unit, resolved exactly as the escalation saga resolves them, with
/// names, titles, roles and leave but no contact details; analysts and other facilities do not.
/// </summary>
public sealed class OnCallApiTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryStore Directory => app.Services.GetRequiredService<DirectoryStore>();

    /// <summary>
    /// A facility of its own: medicine (3 West with its own nurse manager, who covers only it; 3 East without) under a named head who covers only medicine; imaging (MRI)
    /// with nobody, so it reaches the executives; a patient-relations lead and a compliance officer; one executive on leave.
    /// </summary>
    private async Task<string> FacilityAsync()
    {
        var id = "oncall-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await Directory.TryAddAsync(new Facility
        {
            Id = id, Name = "Lakeside " + id, HealthSystem = "Harbor Health", TimeZone = "America/Chicago",
            Departments =
            [
                new Department { Id = "medicine", Name = "Medicine", Units = [new Unit { Id = "3-west", Name = "3 West" }, new Unit { Id = "3-east", Name = "3 East" }] },
                new Department { Id = "imaging", Name = "Imaging", Units = [new Unit { Id = "mri", Name = "MRI" }] },
            ],
        }, Ct));
        var now = DateTimeOffset.UtcNow;
        foreach (var (person, role, title, leave) in new (string, string, string, LeavePeriod?)[]
                 {
                     ("nm", "unit-manager", "Nurse Manager", null), ("head", "department-head", "Chair of Medicine", null),
                     ("cno", "executive", "Chief Nursing Officer", null), ("coo", "executive", "Chief Operating Officer", new LeavePeriod(now.AddDays(-1), now.AddDays(6))),
                     ("comp", "compliance", "Compliance Officer", null), ("pr", "patient-relations", "Patient Relations Lead", null),
                 })
        {
            await Directory.InsertPersonAsync(new Person
            {
                Id = $"{id}-{person}", Name = $"Person {person}", Title = title, Email = $"{person}@example.org", Phone = "+1-555-0100", Pager = "+1-555-0101",
                Roles = [role], Covers = [person switch
                {
                    "nm" => new Coverage { FacilityId = id, DepartmentId = "medicine", UnitId = "3-west" },
                    "head" => new Coverage { FacilityId = id, DepartmentId = "medicine" },
                    _ => new Coverage { FacilityId = id },
                }],
                OnLeave = leave,
            }, Ct);
        }

        await Directory.InsertChainAsync(new EscalationChain
        {
            FacilityId = id, Executive = [$"{id}-cno", $"{id}-coo"], ComplianceContact = $"{id}-comp",
            Departments = [new DepartmentEscalation { DepartmentId = "medicine", Department = [$"{id}-head"] }],
            Units = [new UnitEscalation { UnitId = "3-west", Unit = [$"{id}-nm"] }],
        }, Ct);
        return id;
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static JsonElement Unit(JsonElement view, string department, string unit) =>
        view.GetProperty("departments").EnumerateArray().Single(d => d.GetProperty("departmentId").GetString() == department)
            .GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitId").GetString() == unit).GetProperty("reached");

    private static string[] Ids(JsonElement reached, string level) =>
        [.. reached.GetProperty(level).EnumerateArray().Select(p => p.GetProperty("personId").GetString()!)];

    [Fact]
    public async Task An_advocate_sees_who_each_level_reaches_at_every_unit_with_the_fallbacks_and_no_contact_details()
    {
        var facility = await FacilityAsync();
        var text = await (await app.ClientFor("advocate", facility).GetAsync($"/api/v1/facilities/{facility}/on-call", Ct)).Content.ReadAsStringAsync(Ct);
        var view = JsonDocument.Parse(text).RootElement;

        Assert.Equal($"Lakeside {facility}", view.GetProperty("facilityName").GetString());
        Assert.Equal([$"{facility}-nm"], Ids(Unit(view, "medicine", "3-west"), "unit"));
        // 3 East has no nurse manager: its unit level is the department's head, as the saga would page.
        Assert.Equal([$"{facility}-head"], Ids(Unit(view, "medicine", "3-east"), "unit"));
        // Imaging has no head: both of MRI's lower levels reach the facility's executives.
        Assert.Equal([$"{facility}-cno", $"{facility}-coo"], Ids(Unit(view, "imaging", "mri"), "department"));
        Assert.Equal([$"{facility}-pr", $"{facility}-comp"], Ids(Unit(view, "imaging", "mri"), "triage"));
        Assert.Equal($"{facility}-comp", view.GetProperty("compliance").GetProperty("personId").GetString());

        var coo = Unit(view, "medicine", "3-west").GetProperty("executive").EnumerateArray().Single(p => p.GetProperty("personId").GetString() == $"{facility}-coo");
        Assert.Equal("Chief Operating Officer", coo.GetProperty("title").GetString());
        Assert.Equal("executive", coo.GetProperty("role").GetString());
        Assert.True(coo.GetProperty("onLeaveUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(JsonValueKind.Null, Unit(view, "medicine", "3-west").GetProperty("executive")[0].GetProperty("onLeaveUntil").ValueKind);

        Assert.DoesNotContain("example.org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+1-555", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_place_and_level_names_the_people_the_escalation_saga_would_reach()
    {
        var facility = await FacilityAsync();
        var view = await OkAsync(await app.ClientFor("unit-manager", facility).GetAsync($"/api/v1/facilities/{facility}/on-call", Ct));
        var escalation = app.Services.GetRequiredService<IEscalationDirectory>();

        var places = new List<(string? Department, string? Unit, JsonElement Reached)> { (null, null, view.GetProperty("facility")) };
        foreach (var d in view.GetProperty("departments").EnumerateArray())
        {
            places.Add((d.GetProperty("departmentId").GetString(), null, d.GetProperty("reached")));
            places.AddRange(d.GetProperty("units").EnumerateArray().Select(u => (d.GetProperty("departmentId").GetString(), u.GetProperty("unitId").GetString(), u.GetProperty("reached"))));
        }

        Assert.Equal(1 + 2 + 3, places.Count);
        foreach (var (department, unit, reached) in places)
        {
            foreach (var level in new[] { EscalationLevel.Unit, EscalationLevel.Department, EscalationLevel.Executive })
            {
                var saga = await escalation.ResolveRecipientsAsync(facility, department, unit, level, Ct);
                Assert.Equal(saga.Select(r => r.PersonId), Ids(reached, level.ToWire()));
            }

            Assert.Equal((await escalation.TriageAsync(facility, department, unit, Ct)).Select(r => r.PersonId), Ids(reached, "triage"));
        }
    }

    [Fact]
    public async Task Analysts_other_facilities_and_anonymous_callers_are_refused_and_an_unknown_facility_is_404()
    {
        var facility = await FacilityAsync();
        var path = $"/api/v1/facilities/{facility}/on-call";

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("analyst", facility).GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("admin", "*").GetAsync("/api/v1/facilities/no-such-place/on-call", Ct)).StatusCode);
        await OkAsync(await app.ClientFor("admin", "*").GetAsync(path, Ct));
    }
}
