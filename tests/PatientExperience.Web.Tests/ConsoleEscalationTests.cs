using System.Net;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The escalation view of a facility: who is reached at each level (with the chain's fallbacks) and the SLA policy in force.</summary>
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

    [Fact]
    public async Task Each_unit_shows_who_is_reached_at_each_level_falling_back_to_the_department_and_facility_and_the_policy_in_force()
    {
        AnswerDirectory();
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/escalation-chain", HttpStatusCode.OK, ConsoleUser.Json(new EscalationChainView
        {
            FacilityId = "rg", Executive = ["rg-aod"], ComplianceContact = "rg-compliance",
            Departments = [new DepartmentEscalation { DepartmentId = "emergency", Department = ["rg-emergency-head"] }],
            Units = [new UnitEscalation { UnitId = "ed-adult", Unit = ["rg-ed-charge"] }],
        }));
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/people", HttpStatusCode.OK, ConsoleUser.Json(new[]
        {
            new PersonView { Id = "rg-aod", Name = "Alex Ortiz", Title = "Administrator on duty" },
            new PersonView { Id = "rg-emergency-head", Name = "Dana Reyes", Title = "Head of Emergency",
                OnLeave = new LeavePeriod { From = DateTimeOffset.UtcNow.AddDays(-1), To = DateTimeOffset.Parse("2099-01-05T00:00:00Z") } },
            new PersonView { Id = "rg-ed-charge", Name = "Sam Lee", Title = "Charge nurse" },
            new PersonView { Id = "rg-compliance", Name = "Kim Park", Title = "Compliance officer" },
        }));
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "admin");

        var page = WebUtility.HtmlDecode(await user.GetPageAsync("/console/facilities/rg/escalation"));

        Assert.Contains("<h1>Escalation: Riverside General</h1>", page, StringComparison.Ordinal);
        // The policy in force, in words, with its per-severity override.
        Assert.Contains("Version 2 (facility", page, StringComparison.Ordinal);
        Assert.Contains("<td>1 business day</td><td>7 calendar days</td><td>30 calendar days</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">critical</th><td>2 hours</td>", page, StringComparison.Ordinal);
        // Facility level and compliance contact.
        Assert.Contains("Alex Ortiz, Administrator on duty", page, StringComparison.Ordinal);
        Assert.Contains("Kim Park, Compliance officer", page, StringComparison.Ordinal);
        // The adult ED names its own unit manager; the department head is the department's, the executive the facility's.
        var adult = Row(page, "ed-adult");
        Assert.Contains("Sam Lee, Charge nurse", adult, StringComparison.Ordinal);
        Assert.Contains("Dana Reyes, Head of Emergency (on leave until 5 Jan 2099 00:00 UTC)", adult, StringComparison.Ordinal);
        Assert.Contains("(the department's)", adult, StringComparison.Ordinal);
        Assert.Contains("Alex Ortiz", adult, StringComparison.Ordinal);
        // The paediatric ED names nobody at the unit level.
        Assert.Contains("nobody named", Row(page, "ed-peds"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_admin_role_the_chain_is_explained_and_the_policy_still_shown()
    {
        AnswerDirectory();
        _app.Gateway.Answer("GET", "/api/v1/facilities/rg/escalation-chain", HttpStatusCode.Forbidden, """{"title":"Forbidden","status":403}""", "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "patient-relations");

        var page = await user.GetPageAsync("/console/escalation?facility=rg");

        Assert.Contains("Only administrators may read the escalation chain", page, StringComparison.Ordinal);
        Assert.Contains("<td>1 business day</td>", page, StringComparison.Ordinal);
        var call = Assert.Single(_app.Gateway.To("GET", "/api/v1/facilities/rg/sla-policy"));
        Assert.Equal($"Bearer {user.AccessToken}", call.Headers["Authorization"]);
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
