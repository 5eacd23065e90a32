using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The triage rota: who triages an anonymous critical concern is whoever the facility's rota has on duty at that instant on the
/// facility's clock (skipping people on leave), else everyone with the patient-relations role covering the place (the
/// fallback), plus the compliance contact; the on-call view shows the same and says which; administrators read and replace the
/// rota under If-Match, and bad input is a 400 naming the field that changes nothing.
/// </summary>
public sealed class TriageRotaTests(TriageRotaTests.App app) : IClassFixture<TriageRotaTests.App>
{
    /// <summary>The case service on a clock each test sets (timers still run in real time; only "now" is the test's).</summary>
    public sealed class App : IAsyncLifetime
    {
        public SettableClock Clock { get; } = new();

        public CaseApp Case { get; }

        public App() => Case = new CaseApp { TestServices = s => { s.RemoveAll<TimeProvider>(); s.AddSingleton<TimeProvider>(Clock); } };

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => Case.DisposeAsync();
    }

    public sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryStore Directory => app.Case.Services.GetRequiredService<DirectoryStore>();

    private IEscalationDirectory Escalation => app.Case.Services.GetRequiredService<IEscalationDirectory>();

    // Wednesday 4 March 2026 in New York (EST, UTC-5).
    private static readonly DateTimeOffset WednesdayMorning = DateTimeOffset.Parse("2026-03-04T10:00:00-05:00");
    private static readonly DateTimeOffset ThursdaySmallHours = DateTimeOffset.Parse("2026-03-05T02:00:00-05:00");
    private static readonly DateTimeOffset WednesdayHandover = DateTimeOffset.Parse("2026-03-04T19:30:00-05:00");

    /// <summary>
    /// A facility in New York of its own: medicine with 3 West; patient relations "day", "day2" and "night" (facility-wide),
    /// "unit-pr" covering 3 West only, compliance "comp" (the chain's contact), an executive "exec", an advocate "adv".
    /// With <paramref name="withRota"/>: days 07:00-19:00 every day (day, day2), nights 20:00-07:00 every day (night), so
    /// nobody is on duty 19:00-20:00.
    /// </summary>
    private async Task<string> FacilityAsync(bool withRota = true)
    {
        var f = "rota-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await Directory.TryAddAsync(new Facility
        {
            Id = f, Name = f, HealthSystem = "Test", TimeZone = "America/New_York",
            Departments = [new Department { Id = "medicine", Name = "Medicine", Units = [new Unit { Id = "3-west", Name = "3 West" }] }],
        }, Ct));
        foreach (var (id, role, unit) in new (string, string, string?)[]
                 {
                     ("day", "patient-relations", null), ("day2", "patient-relations", null), ("night", "patient-relations", null), ("unit-pr", "patient-relations", "3-west"),
                     ("comp", "compliance", null), ("exec", "executive", null), ("adv", "advocate", null),
                 })
        {
            await Directory.InsertPersonAsync(new Person
            {
                Id = $"{f}-{id}", Name = $"Person {id}", Title = id, Email = $"{id}@example.org", Roles = [role],
                Covers = [new Coverage { FacilityId = f, DepartmentId = unit is null ? null : "medicine", UnitId = unit }],
            }, Ct);
        }

        await Directory.InsertChainAsync(new EscalationChain { FacilityId = f, Executive = [$"{f}-exec"], ComplianceContact = $"{f}-comp" }, Ct);
        if (withRota)
        {
            Weekday[] everyDay = [.. Wire.Values<Weekday>()];
            await Directory.InsertRotaAsync(new TriageRota
            {
                FacilityId = f,
                Shifts =
                [
                    new TriageShift { Name = "Day", Days = everyDay, Start = new TimeOnly(7, 0), End = new TimeOnly(19, 0), People = [$"{f}-day", $"{f}-day2"] },
                    new TriageShift { Name = "Night", Days = everyDay, Start = new TimeOnly(20, 0), End = new TimeOnly(7, 0), People = [$"{f}-night"] },
                ],
            }, Ct);
        }

        return f;
    }

    private async Task<string[]> TriageAtAsync(string facility, DateTimeOffset at, string? unit = null)
    {
        app.Clock.Now = at;
        var triage = await Escalation.TriageAsync(facility, unit is null ? null : "medicine", unit, Ct);
        return [.. triage.Select(r => r.PersonId[(facility.Length + 1)..])];
    }

    private async Task SetLeaveAsync(string personId, DateTimeOffset from, DateTimeOffset to)
    {
        var stored = (await Directory.GetPersonAsync(personId, Ct))!;
        await Directory.ReplacePersonAsync(stored.Document with { OnLeave = new LeavePeriod(from, to) }, stored.Version, Ct);
    }

    // The resolver

    [Fact]
    public async Task In_the_day_shift_triage_reaches_the_people_on_duty_and_the_compliance_contact_only()
    {
        var f = await FacilityAsync();

        Assert.Equal(["day", "day2", "comp"], await TriageAtAsync(f, WednesdayMorning));
        // The rota is the facility's: a unit with its own patient-relations lead is triaged by whoever is on duty too.
        Assert.Equal(["day", "day2", "comp"], await TriageAtAsync(f, WednesdayMorning, unit: "3-west"));
        var roles = (await Escalation.TriageAsync(f, null, null, Ct)).Select(r => r.Role);
        Assert.Equal(["patient-relations", "patient-relations", "compliance"], roles);
    }

    [Fact]
    public async Task The_night_shift_that_starts_in_the_evening_is_on_duty_after_midnight()
    {
        var f = await FacilityAsync();

        Assert.Equal(["night", "comp"], await TriageAtAsync(f, DateTimeOffset.Parse("2026-03-04T23:30:00-05:00")));
        Assert.Equal(["night", "comp"], await TriageAtAsync(f, ThursdaySmallHours));
        Assert.Equal(["day", "day2", "comp"], await TriageAtAsync(f, DateTimeOffset.Parse("2026-03-05T07:00:00-05:00")));
    }

    [Fact]
    public async Task On_the_day_the_clocks_go_forward_the_night_shift_hands_over_at_seven_on_the_facilitys_clock()
    {
        var f = await FacilityAsync();

        // Sunday 8 March 2026, New York: 02:00 EST became 03:00 EDT.
        Assert.Equal(["night", "comp"], await TriageAtAsync(f, DateTimeOffset.Parse("2026-03-08T10:59:00Z"))); // 06:59 EDT
        Assert.Equal(["day", "day2", "comp"], await TriageAtAsync(f, DateTimeOffset.Parse("2026-03-08T11:00:00Z"))); // 07:00 EDT
        // The day before, the same instant is 06:00 EST: still the night.
        Assert.Equal(["night", "comp"], await TriageAtAsync(f, DateTimeOffset.Parse("2026-03-07T11:00:00Z")));
    }

    [Fact]
    public async Task A_person_on_leave_is_skipped_and_the_others_on_duty_still_triage()
    {
        var f = await FacilityAsync();
        await SetLeaveAsync($"{f}-day2", WednesdayMorning.AddDays(-1), WednesdayMorning.AddDays(1));

        Assert.Equal(["day", "comp"], await TriageAtAsync(f, WednesdayMorning));
        // Back from leave: on the rota again.
        Assert.Equal(["day", "day2", "comp"], await TriageAtAsync(f, WednesdayMorning.AddDays(2)));
    }

    [Fact]
    public async Task When_everyone_on_duty_is_on_leave_triage_falls_back_to_everyone_with_the_role_so_it_never_reaches_nobody()
    {
        var f = await FacilityAsync();
        await SetLeaveAsync($"{f}-night", ThursdaySmallHours.AddHours(-6), ThursdaySmallHours.AddHours(6));

        Assert.Equal(["day", "day2", "night", "comp"], await TriageAtAsync(f, ThursdaySmallHours));
        // The fallback is today's rule: the most specific patient-relations coverage of the place.
        Assert.Equal(["unit-pr", "comp"], await TriageAtAsync(f, ThursdaySmallHours, unit: "3-west"));
    }

    [Fact]
    public async Task In_a_gap_between_shifts_triage_falls_back_to_everyone_with_the_role()
    {
        var f = await FacilityAsync();

        Assert.Equal(["day", "day2", "night", "comp"], await TriageAtAsync(f, WednesdayHandover));
    }

    [Fact]
    public async Task Without_a_rota_triage_is_everyone_with_the_role_covering_the_place()
    {
        var f = await FacilityAsync(withRota: false);

        Assert.Equal(["day", "day2", "night", "comp"], await TriageAtAsync(f, WednesdayMorning));
        Assert.Equal(["unit-pr", "comp"], await TriageAtAsync(f, WednesdayMorning, unit: "3-west"));
    }

    [Fact]
    public async Task Someone_the_rota_names_who_no_longer_holds_a_triage_role_or_covers_the_facility_is_skipped()
    {
        var f = await FacilityAsync();
        var day2 = (await Directory.GetPersonAsync($"{f}-day2", Ct))!;
        await Directory.ReplacePersonAsync(day2.Document with { Roles = ["advocate"] }, day2.Version, Ct);

        Assert.Equal(["day", "comp"], await TriageAtAsync(f, WednesdayMorning));
    }

    // The on-call view

    private static string[] Ids(JsonElement reached) =>
        [.. reached.GetProperty("triage").EnumerateArray().Select(p => p.GetProperty("personId").GetString()!)];

    [Fact]
    public async Task The_on_call_view_shows_who_is_on_duty_now_from_the_rota_and_says_when_it_is_the_fallback()
    {
        var f = await FacilityAsync();
        var client = app.Case.ClientFor("advocate", f);

        app.Clock.Now = ThursdaySmallHours;
        var night = await client.GetFromJsonAsync<JsonElement>($"/api/v1/facilities/{f}/on-call", Ct);
        Assert.Equal(ThursdaySmallHours, night.GetProperty("at").GetDateTimeOffset());
        Assert.Equal([$"{f}-night", $"{f}-comp"], Ids(night.GetProperty("facility")));
        Assert.Equal("rota", night.GetProperty("facility").GetProperty("triageFrom").GetString());
        var unit = night.GetProperty("departments")[0].GetProperty("units")[0].GetProperty("reached");
        Assert.Equal([$"{f}-night", $"{f}-comp"], Ids(unit));
        Assert.Equal("rota", unit.GetProperty("triageFrom").GetString());

        app.Clock.Now = WednesdayHandover;
        var gap = await client.GetFromJsonAsync<JsonElement>($"/api/v1/facilities/{f}/on-call", Ct);
        Assert.Equal([$"{f}-day", $"{f}-day2", $"{f}-night", $"{f}-comp"], Ids(gap.GetProperty("facility")));
        Assert.Equal("fallback", gap.GetProperty("facility").GetProperty("triageFrom").GetString());
        Assert.Equal([$"{f}-unit-pr", $"{f}-comp"], Ids(gap.GetProperty("departments")[0].GetProperty("units")[0].GetProperty("reached")));

        // The week's shifts, on the facility's clock, with who is on each.
        var shifts = gap.GetProperty("triageShifts");
        Assert.Equal(("Day", "07:00", "19:00", 7), (shifts[0].GetProperty("name").GetString(), shifts[0].GetProperty("start").GetString(), shifts[0].GetProperty("end").GetString(), shifts[0].GetProperty("days").GetArrayLength()));
        Assert.Equal([$"{f}-day", $"{f}-day2"], shifts[0].GetProperty("people").EnumerateArray().Select(p => p.GetProperty("personId").GetString()));
        Assert.Equal(("Person night", "patient-relations"), (shifts[1].GetProperty("people")[0].GetProperty("name").GetString(), shifts[1].GetProperty("people")[0].GetProperty("role").GetString()));
        Assert.DoesNotContain("example.org", gap.ToString(), StringComparison.Ordinal);

        // Whatever the instant, the view names exactly whom the saga's triage would reach.
        foreach (var at in new[] { WednesdayMorning, ThursdaySmallHours, WednesdayHandover })
        {
            app.Clock.Now = at;
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/facilities/{f}/on-call", Ct);
            Assert.Equal((await Escalation.TriageAsync(f, null, null, Ct)).Select(r => r.PersonId), Ids(view.GetProperty("facility")));
        }
    }

    // The administration API

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string facility, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/facilities/{facility}/triage-rota") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Ct);
    }

    private static object RotaBody(string f, string dayStart = "07:00") => new
    {
        shifts = new object[]
        {
            new { name = "Day", days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }, start = dayStart, end = "19:00", people = new[] { $"{f}-day" } },
            new { name = "Night", days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }, start = "19:00", end = "07:00", people = new[] { $"{f}-night", $"{f}-comp" } },
        },
        covers = new[] { new { from = "2026-12-24T19:00:00-05:00", to = "2026-12-26T07:00:00-05:00", people = new[] { $"{f}-day2" } } },
    };

    [Fact]
    public async Task An_admin_reads_an_empty_rota_then_sets_and_replaces_it_under_If_Match()
    {
        var f = await FacilityAsync(withRota: false);
        var admin = app.Case.ClientFor("admin", f);

        var empty = await admin.GetAsync($"/api/v1/facilities/{f}/triage-rota", Ct);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal("\"0\"", empty.Headers.ETag?.Tag);
        var emptyView = await empty.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("America/New_York", 0), (emptyView.GetProperty("timeZone").GetString(), emptyView.GetProperty("shifts").GetArrayLength()));

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await PutAsync(admin, f, RotaBody(f), null)).StatusCode);
        var set = await PutAsync(admin, f, RotaBody(f), "\"0\"");
        Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync(Ct));
        var view = await set.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var night = view.GetProperty("shifts")[1];
        Assert.Equal(("19:00", "07:00", true), (night.GetProperty("start").GetString(), night.GetProperty("end").GetString(), night.GetProperty("crossesMidnight").GetBoolean()));
        Assert.Equal(["monday", "tuesday", "wednesday", "thursday", "friday"], view.GetProperty("shifts")[0].GetProperty("days").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal([$"{f}-day2"], view.GetProperty("covers")[0].GetProperty("people").EnumerateArray().Select(p => p.GetString()));

        // What is stored is what triage reads: Wednesday morning is the day shift; Christmas Eve night the cover.
        Assert.Equal(["day", "comp"], await TriageAtAsync(f, WednesdayMorning));
        Assert.Equal(["day2", "comp"], await TriageAtAsync(f, DateTimeOffset.Parse("2026-12-24T23:00:00-05:00")));

        var etag = set.Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PutAsync(admin, f, RotaBody(f), "\"0\"")).StatusCode);
        var cleared = await PutAsync(admin, f, new { shifts = Array.Empty<object>() }, etag);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(["day", "day2", "night", "comp"], await TriageAtAsync(f, WednesdayMorning));
    }

    [Fact]
    public async Task A_rota_that_breaks_a_rule_is_a_400_naming_each_field_and_changes_nothing()
    {
        var f = await FacilityAsync();
        var other = await FacilityAsync(withRota: false);
        var admin = app.Case.ClientFor("admin", f);
        var before = (await Directory.GetRotaAsync(f, Ct))!;

        var response = await PutAsync(admin, f, new
        {
            shifts = new object?[]
            {
                new { days = new[] { "mon" }, start = "7:00", end = "24:00", people = new[] { $"{f}-exec" } },
                new { days = Array.Empty<string>(), start = "07:00", end = "19:00", people = new[] { $"{other}-day", "no-such-person" } },
                new { name = "Control\u0007", days = new[] { "friday" }, end = "07:00", people = Array.Empty<string>() },
            },
            covers = new object[]
            {
                new { from = "2026-12-24T19:00:00Z", to = "2026-12-24T18:00:00Z", people = new[] { $"{f}-day" } },
                new { from = "2026-01-01T00:00:00Z", to = "2026-06-01T00:00:00Z", people = new[] { $"{f}-adv" } },
                new { to = "2026-06-01T00:00:00Z" },
            },
        }, $"\"{before.Version}\"");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        foreach (var field in new[]
                 {
                     "shifts[0].days[0]", "shifts[0].start", "shifts[0].end", "shifts[0].people[0]", "shifts[1].days", "shifts[1].people[0]", "shifts[1].people[1]",
                     "shifts[2].name", "shifts[2].start", "shifts[2].people", "covers[0].to", "covers[1].to", "covers[1].people[0]", "covers[2].from", "covers[2].people",
                 })
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
        Assert.Contains("patient-relations or compliance", errors.GetProperty("shifts[0].people[0]")[0].GetString());
        Assert.DoesNotContain("no-such-person", errors.ToString());

        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync(admin, f, new { covers = Array.Empty<object>() }, $"\"{before.Version}\"")).StatusCode);
        var after = (await Directory.GetRotaAsync(f, Ct))!;
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(2, after.Document.Shifts.Count);
    }

    [Fact]
    public async Task Only_admins_of_the_facility_read_or_replace_its_rota()
    {
        var f = await FacilityAsync();
        var path = $"/api/v1/facilities/{f}/triage-rota";
        var version = (await Directory.GetRotaAsync(f, Ct))!.Version;

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Case.ClientFor("admin", Samples.Mesa).GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(app.Case.ClientFor("admin", Samples.Mesa), f, RotaBody(f), $"\"{version}\"")).StatusCode);
        foreach (var role in new[] { "patient-relations", "compliance", "advocate", "executive", "analyst" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await app.Case.ClientFor(role, f).GetAsync(path, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(app.Case.ClientFor(role, f), f, RotaBody(f), $"\"{version}\"")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Case.CreateClient().GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Case.ClientFor("admin", "*").GetAsync("/api/v1/facilities/no-such-place/triage-rota", Ct)).StatusCode);
        Assert.Equal(version, (await Directory.GetRotaAsync(f, Ct))!.Version);
        Assert.Equal(HttpStatusCode.OK, (await app.Case.ClientFor("admin", f).GetAsync(path, Ct)).StatusCode);
    }
}
