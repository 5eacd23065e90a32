using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The standalone demo health system: every level of every unit of every facility is held by someone with an example.org
/// e-mail address and a phone number, every facility has a compliance contact, the chain holds exactly its own people, and
/// a triage rota has someone on duty at every hour of the week.
/// </summary>
public sealed partial class EscalationChainSeedTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Levels = ["unit", "department", "executive"];

    [GeneratedRegex(@"^[a-z0-9.\-]+@example\.org$")]
    private static partial Regex ExampleOrg();

    [GeneratedRegex(@"^(\+1-555-01\d\d|\+44 20 7946 0\d\d\d)$")]
    private static partial Regex FictionalNumber();

    [Fact]
    public async Task Every_unit_of_every_facility_has_its_own_people_at_every_level_who_can_be_reached()
    {
        var directory = app.Services.GetRequiredService<DirectoryStore>();
        var escalation = app.Services.GetRequiredService<IEscalationDirectory>();
        var facilities = await directory.ListAsync(Ct);
        Assert.Equal(3, facilities.Count);

        var expectedRole = new Dictionary<string, string> { ["unit"] = "unit-manager", ["department"] = "department-head", ["executive"] = "executive" };
        foreach (var facility in facilities)
        {
            var chain = (await directory.GetChainAsync(facility.Id, Ct))?.Document;
            Assert.NotNull(chain);
            Assert.Equal(3, chain.Executive.Count);
            foreach (var department in facility.Departments)
            {
                Assert.Contains(chain.Departments, d => d.DepartmentId == department.Id && d.Department.Count > 0);
                // A department without units (billing) is covered at level unit by its head.
                var places = department.Units.Count == 0 ? [(string?)null] : department.Units.Select(u => (string?)u.Id).ToArray();
                foreach (var unit in places)
                {
                    if (unit is not null) Assert.Contains(chain.Units, u => u.UnitId == unit && u.Unit.Count > 0);
                    foreach (var level in Levels)
                    {
                        var recipients = await escalation.ResolveRecipientsAsync(facility.Id, department.Id, unit, Wire.Parse<EscalationLevel>(level), Ct);
                        Assert.NotEmpty(recipients);
                        Assert.All(recipients, r =>
                        {
                            Assert.Matches(ExampleOrg(), r.Email);
                            Assert.Matches(FictionalNumber(), r.Phone);
                            Assert.Equal(facility.TimeZone, r.TimeZone);
                            Assert.False(string.IsNullOrWhiteSpace(r.Name));
                            Assert.Equal(unit is null && level == "unit" ? "department-head" : expectedRole[level], r.Role);
                        });
                    }
                }
            }

            var compliance = await escalation.ComplianceContactAsync(facility.Id, Ct);
            Assert.NotNull(compliance);
            Assert.Equal("compliance", compliance.Role);
            Assert.Matches(ExampleOrg(), compliance.Email);
        }
    }

    [Fact]
    public async Task The_chain_of_each_facility_names_only_people_who_cover_it_and_everyone_is_unique()
    {
        var directory = app.Services.GetRequiredService<DirectoryStore>();
        var people = (await directory.ListPeopleAsync(Ct)).Select(p => p.Document).Where(p => p.Email?.EndsWith("@example.org", StringComparison.Ordinal) == true).ToList();

        Assert.Equal(people.Count, people.Select(p => p.Email).Distinct().Count());
        Assert.Equal(people.Count, people.Select(p => p.Phone).Distinct().Count());
        foreach (var facility in await directory.ListAsync(Ct))
        {
            var chain = (await directory.GetChainAsync(facility.Id, Ct))!.Document;
            Assert.All(chain.PersonIds(), id => Assert.True(people.Single(p => p.Id == id).CoversFacility(facility.Id), $"{id} should cover {facility.Id}"));
            Assert.All(people.Where(p => p.CoversFacility(facility.Id)), p => Assert.All(p.Roles, r => Assert.Contains(r, ServiceDefaults.Security.PlatformClaims.Roles)));
        }
    }

    [Fact]
    public async Task The_demo_facilities_have_their_regulatory_profiles_and_holidays()
    {
        var directory = app.Services.GetRequiredService<DirectoryStore>();

        var riverside = await directory.GetAsync(Samples.Riverside, Ct);
        var mesa = await directory.GetAsync(Samples.Mesa, Ct);
        var stBrendans = await directory.GetAsync(Samples.StBrendans, Ct);

        Assert.Equal(("cms-hospital", "cms-hospital", "nhs-england"), (riverside!.RegulatoryProfile, mesa!.RegulatoryProfile, stBrendans!.RegulatoryProfile));
        Assert.Contains(new DateOnly(2025, 12, 25), riverside.Holidays);
        Assert.Contains(new DateOnly(2025, 7, 4), mesa.Holidays);
        Assert.Contains(new DateOnly(2025, 12, 26), stBrendans.Holidays);
        Assert.DoesNotContain(new DateOnly(2025, 12, 26), riverside.Holidays);
    }

    [Fact]
    public async Task Every_demo_facility_has_a_triage_rota_that_covers_every_hour_of_the_week_with_different_people_by_day_and_by_night()
    {
        var directory = app.Services.GetRequiredService<DirectoryStore>();
        var people = (await directory.ListPeopleAsync(Ct)).Select(p => p.Document).ToList();
        foreach (var facility in await directory.ListAsync(Ct))
        {
            var rota = (await directory.GetRotaAsync(facility.Id, Ct))!.Document;
            // The rota keeps the administration API's rules: people who cover the facility and hold a triage role, valid shifts.
            var v = new DirectoryValidation();
            var request = new TriageRotaRequest
            {
                Shifts = [.. rota.Shifts.Select(s => new TriageShiftRequest
                    { Name = s.Name, Days = [.. s.Days.Select(d => d.ToWire())], Start = s.Start.ToString("HH:mm"), End = s.End.ToString("HH:mm"), People = s.People })],
            };
            Assert.Equal(rota.Shifts, request.ToRota(v, facility, people)?.Shifts ?? [], new ShiftComparer());
            Assert.True(v.IsValid, string.Join("; ", v.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

            var zone = TimeZoneInfo.FindSystemTimeZoneById(facility.TimeZone);
            var monday = new DateTimeOffset(2026, 11, 30, 0, 0, 0, zone.GetUtcOffset(new DateTime(2026, 11, 30)));
            var onDuty = Enumerable.Range(0, 7 * 24).Select(h => rota.OnDutyAt(monday.AddHours(h).AddMinutes(30), zone)).ToList();
            Assert.All(onDuty, ids => Assert.NotEmpty(ids));
            var day = rota.OnDutyAt(monday.AddHours(10), zone);
            var night = rota.OnDutyAt(monday.AddHours(23), zone);
            Assert.Empty(day.Intersect(night));
        }
    }

    private sealed class ShiftComparer : IEqualityComparer<TriageShift>
    {
        public bool Equals(TriageShift? x, TriageShift? y) =>
            x!.Name == y!.Name && x.Days.SequenceEqual(y.Days) && x.Start == y.Start && x.End == y.End && x.People.SequenceEqual(y.People);

        public int GetHashCode(TriageShift obj) => obj.Start.GetHashCode();
    }

    [Fact]
    public async Task A_seed_file_in_the_older_form_an_array_of_facilities_still_loads()
    {
        await using var json = new MemoryStream("""[{"id": "old", "name": "Old", "healthSystem": "H", "timeZone": "UTC"}]"""u8.ToArray());

        var seed = await DirectorySeed.ReadAsync(json, Ct);

        Assert.Equal("old", Assert.Single(seed.Facilities).Id);
        Assert.Equal(RegulatoryProfiles.Default, seed.Facilities[0].RegulatoryProfile);
        Assert.Empty(seed.People);
        Assert.Empty(seed.EscalationChains);
    }
}
