using System.Net;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The escalation view of a facility: who the platform reaches at each level and for triage now (the case service's on-call view) and the SLA policy in force.</summary>
public sealed class ConsoleEscalationTests : IDisposable
{
    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    internal static Facility Riverside => new()
    {
        Id = "rg", Name = "Riverside General", HealthSystem = "Demo", TimeZone = "America/New_York", RegulatoryProfile = "cms-hospital",
        Departments = [new Department { Id = "emergency", Name = "Emergency", Units = [new Unit { Id = "ed-adult", Name = "Adult ED" }, new Unit { Id = "ed-peds", Name = "Paediatric ED" }] }],
    };

    private void AnswerDirectory()
    {
        _app.Gateway.Answer("GET", "/api/v1/facilities", HttpStatusCode.OK, ConsoleUser.Json(new[] { Riverside }));
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/sla-policy", HttpStatusCode.OK, ConsoleUser.Json(new SlaPolicyView
        {
            FacilityId = "rg", Version = 2, Source = "facility", RegulatoryProfile = "cms-hospital",
            Deadlines = new SlaDeadlinesView
            {
                Acknowledge = new SlaDurationView { Duration = "P1D", Days = "business" },
                InterimNotice = new SlaDurationView { Duration = "P7D", Days = "calendar" },
                Response = new SlaDurationView { Duration = "P30D", Days = "calendar" },
            },
            Severities = new()
            {
                ["critical"] = new SlaDeadlinesView
                {
                    Acknowledge = new SlaDurationView { Duration = "PT2H", Days = "calendar" },
                    InterimNotice = new SlaDurationView { Duration = "P1D", Days = "calendar" },
                    Response = new SlaDurationView { Duration = "P7D", Days = "calendar" },
                },
            },
        }));
    }

    private static OnCallPersonView Person(string id, string name, string title, string role, DateTimeOffset? onLeaveUntil = null) =>
        new() { PersonId = id, Name = name, Title = title, Role = role, OnLeaveUntil = onLeaveUntil };

    [Fact]
    public async Task Each_unit_shows_who_the_platform_reaches_at_each_level_and_for_triage_and_the_policy_in_force()
    {
        AnswerDirectory();
        var aod = Person("rg-aod", "Alex Ortiz", "Administrator on duty", "executive");
        var head = Person("rg-emergency-head", "Dana Reyes", "Head of Emergency", "department-head", DateTimeOffset.Parse("2099-01-05T00:00:00Z"));
        var compliance = Person("rg-compliance", "Kim Park", "Compliance officer", "compliance");
        var lead = Person("rg-pr", "Jo Miles", "Patient relations lead", "patient-relations");
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/on-call", HttpStatusCode.OK, ConsoleUser.Json(new OnCallView
        {
            FacilityId = "rg", FacilityName = "Riverside General", TimeZone = "America/New_York", At = DateTimeOffset.Parse("2026-12-02T03:00:00Z"),
            Compliance = compliance,
            Facility = new OnCallLevelsView { Unit = [aod], Department = [aod], Executive = [aod], Triage = [lead, compliance], TriageFrom = TriageSource.Rota },
            Departments =
            [
                new OnCallDepartmentView
                {
                    DepartmentId = "emergency", Name = "Emergency",
                    Reached = new OnCallLevelsView { Unit = [head], Department = [head], Executive = [aod], Triage = [lead, compliance] },
                    Units =
                    [
                        new OnCallUnitView { UnitId = "ed-adult", Name = "Adult ED", Reached = new OnCallLevelsView
                            { Unit = [Person("rg-ed-charge", "Sam Lee", "Charge nurse", "unit-manager")], Department = [head], Executive = [aod], Triage = [lead, compliance] } },
                        new OnCallUnitView { UnitId = "ed-peds", Name = "Paediatric ED", Reached = new OnCallLevelsView { Unit = [], Department = [head], Executive = [aod], Triage = [] } },
                    ],
                },
            ],
        }));
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "advocate");

        var page = WebUtility.HtmlDecode(await user.GetPageAsync("/console/facilities/rg/escalation"));

        Assert.Contains("<h1>Escalation: Riverside General</h1>", page, StringComparison.Ordinal);
        // The policy in force, in words, with its per-severity override.
        Assert.Contains("Version 2 (facility", page, StringComparison.Ordinal);
        Assert.Contains("<td>1 business day</td><td>7 calendar days</td><td>30 calendar days</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">critical</th><td>2 hours</td>", page, StringComparison.Ordinal);
        Assert.Contains("As of 2 Dec 2026 03:00 UTC", page, StringComparison.Ordinal);
        // Facility level and compliance contact.
        Assert.Contains("Alex Ortiz, Administrator on duty", page, StringComparison.Ordinal);
        Assert.Contains("Kim Park, Compliance officer", page, StringComparison.Ordinal);
        // Each level as the platform resolved it, leave shown.
        var adult = Row(page, "ed-adult");
        Assert.Contains("Sam Lee, Charge nurse", adult, StringComparison.Ordinal);
        Assert.Contains("Dana Reyes, Head of Emergency (on leave until 5 Jan 2099 00:00 UTC)", adult, StringComparison.Ordinal);
        Assert.Contains("Jo Miles, Patient relations lead", adult, StringComparison.Ordinal);
        // Who triages now, and that the duty rota named them.
        Assert.Contains("On duty now on the facility's triage rota", page, StringComparison.Ordinal);
        // The paediatric ED: nobody at the unit level.
        Assert.Contains("nobody named", Row(page, "ed-peds"), StringComparison.Ordinal);
        // Read with the person's own token; the admin-only chain and people are not needed.
        var call = Assert.Single(_app.Gateway.To("GET", "/api/v1/facilities/rg/on-call"));
        Assert.Equal($"Bearer {user.AccessToken}", call.Headers["Authorization"]);
        Assert.Empty(_app.Gateway.To("GET", "/api/v1/facilities/rg/escalation-chain"));
    }

    [Fact]
    public async Task When_nobody_on_the_triage_rota_is_on_duty_the_view_says_triage_fell_back_to_everyone_with_the_role()
    {
        AnswerDirectory();
        var lead = Person("rg-pr", "Jo Miles", "Patient relations lead", "patient-relations");
        var night = Person("rg-pr-night", "Ira Cole", "Patient relations (nights)", "patient-relations");
        var levels = new OnCallLevelsView { Unit = [], Department = [], Executive = [], Triage = [lead, night], TriageFrom = TriageSource.Fallback };
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/on-call", HttpStatusCode.OK, ConsoleUser.Json(new OnCallView
        {
            FacilityId = "rg", FacilityName = "Riverside General", TimeZone = "America/New_York", At = DateTimeOffset.Parse("2026-12-02T00:30:00Z"),
            Facility = levels, Departments = [],
            TriageShifts =
            [
                new OnCallShiftView { Name = "Night", Days = [Days.Monday, Days.Tuesday, Days.Wednesday, Days.Thursday, Days.Friday], Start = "19:00", End = "07:00", People = [night] },
            ],
        }));
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "patient-relations");

        var page = WebUtility.HtmlDecode(await user.GetPageAsync("/console/facilities/rg/escalation"));

        var triage = page[page.IndexOf("data-testid=\"triage-from\"", StringComparison.Ordinal)..];
        Assert.Contains("Jo Miles, Patient relations lead", triage, StringComparison.Ordinal);
        Assert.Contains("Ira Cole, Patient relations (nights)", triage, StringComparison.Ordinal);
        Assert.Contains("Nobody on the triage rota is on duty now", triage, StringComparison.Ordinal);
        // The week's rota, on the facility's clock.
        var rota = page[page.IndexOf("data-testid=\"triage-rota\"", StringComparison.Ordinal)..];
        Assert.Contains("America/New_York time", rota, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Night</th><td>Mon, Tue, Wed, Thu, Fri</td><td>19:00-07:00</td>", rota, StringComparison.Ordinal);
        Assert.Contains("Ira Cole, Patient relations (nights)", rota, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_on_call_view_is_refused_the_reason_is_shown_and_the_policy_still_is()
    {
        AnswerDirectory();
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/on-call", HttpStatusCode.Forbidden,
            """{"title":"Forbidden","status":403,"detail":"Who is on call is for the staff who handle cases; analysts read reports."}""", "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "analyst");

        var page = await user.GetPageAsync("/console/escalation?facility=rg");

        Assert.Contains("Who is on call is shown to the staff who handle cases", page, StringComparison.Ordinal);
        Assert.Contains("<td>1 business day</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_layout_links_to_the_escalation_view()
    {
        AnswerDirectory();
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.OK, ConsoleUser.Json(new PagedResponseOfCaseView { Page = 1, PageSize = 25 }));
        var user = new ConsoleUser(_app);
        await user.SignInAsync();

        var page = await user.GetPageAsync("/console");

        Assert.Contains("href=\"/console/escalation\"", page, StringComparison.Ordinal);
    }

    private static string Row(string page, string unit)
    {
        var start = page.IndexOf($"data-unit=\"{unit}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row for unit {unit}.");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
