using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>GET /api/v1/facilities: the public directory the patient feedback form lists, seeded with the demo health system.</summary>
public sealed class FacilitiesTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Anyone_can_list_the_three_demo_facilities_with_their_time_zones_departments_and_units()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/facilities", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var facilities = await response.Content.ReadFromJsonAsync<List<Facility>>(Ct);
        Assert.NotNull(facilities);
        Assert.Equal(new[] { Samples.Mesa, Samples.Riverside, Samples.StBrendans }, facilities.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Equal(
            new Dictionary<string, string> { [Samples.Riverside] = "America/New_York", [Samples.Mesa] = "America/Denver", [Samples.StBrendans] = "Europe/London" },
            facilities.ToDictionary(f => f.Id, f => f.TimeZone));
        Assert.All(facilities, f =>
        {
            Assert.Equal("Harbor Health (demo)", f.HealthSystem);
            Assert.False(string.IsNullOrWhiteSpace(f.Name));
            Assert.NotEmpty(f.Departments);
            Assert.Equal(f.Departments.Count, f.Departments.Select(d => d.Id).Distinct().Count());
            var units = f.Departments.SelectMany(d => d.Units).Select(u => u.Id).ToList();
            Assert.NotEmpty(units);
            Assert.Equal(units.Count, units.Distinct().Count());
        });

        var riverside = facilities.Single(f => f.Id == Samples.Riverside);
        Assert.Equal(new[] { "emergency", "medicine", "surgery", "maternity", "billing" }, riverside.Departments.Select(d => d.Id));
        Assert.Equal(new[] { "ed-adult", "ed-peds" }, riverside.Departments.Single(d => d.Id == "emergency").Units.Select(u => u.Id));
        Assert.Empty(riverside.Departments.Single(d => d.Id == "billing").Units);
        Assert.Equal(new[] { "cvicu", "3-south" }, facilities.Single(f => f.Id == Samples.Mesa).Departments.Single(d => d.Id == "cardiology").Units.Select(u => u.Id));
        Assert.Equal(new[] { "nightingale", "seacole" }, facilities.Single(f => f.Id == Samples.StBrendans).Departments.Single(d => d.Id == "elderly-care").Units.Select(u => u.Id));
    }

    [Fact]
    public async Task Facilities_are_listed_by_name_in_camelCase_json()
    {
        var json = await app.CreateClient().GetStringAsync("/api/v1/facilities", Ct);

        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var first = doc.RootElement[0];
        Assert.True(first.TryGetProperty("timeZone", out _));
        Assert.True(first.TryGetProperty("healthSystem", out _));
        Assert.True(first.GetProperty("departments")[0].TryGetProperty("units", out _));
    }
}
