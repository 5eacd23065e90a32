using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Case;

namespace PatientExperience.Case.Tests;

/// <summary>
/// <see cref="IEscalationDirectory"/>: who holds each escalation level for a case's unit, and the fallbacks that give every
/// case someone at every level.
/// </summary>
public sealed class EscalationChainTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryStore Directory => app.Services.GetRequiredService<DirectoryStore>();

    private IEscalationDirectory Escalation => app.Services.GetRequiredService<IEscalationDirectory>();

    private static Person PersonAt(string id, string facility, string role, string? departmentId = null, string? unitId = null) => new()
    {
        Id = $"{facility}-{id}", Name = id, Email = $"{id}@example.org", Phone = "+1-555-0150", Pager = "+1-555-0151", TimeZone = "America/Chicago",
        Roles = [role], Covers = [new Coverage { FacilityId = facility, DepartmentId = departmentId, UnitId = unitId }],
    };

    private static Unit U(string id) => new() { Id = id, Name = id };

    /// <summary>
    /// medicine: 3-west (two managers in the chain), 3-east (a unit-manager by coverage only), 3-north (nobody);
    /// imaging: mri (its own department and executive overrides); pharmacy (no units, a department head by coverage only);
    /// lab (no units, nobody). Executives: aod, cno; compliance: comp.
    /// </summary>
    private async Task<string> FacilityAsync(bool withChain = true)
    {
        var f = "esc-" + Guid.NewGuid().ToString("N")[..8];
        await Directory.InsertAsync(new Facility
        {
            Id = f, Name = f, HealthSystem = "Test", TimeZone = "America/Chicago",
            Departments =
            [
                new Department { Id = "medicine", Name = "Medicine", Units = [U("3-west"), U("3-east"), U("3-north")] },
                new Department { Id = "imaging", Name = "Imaging", Units = [U("mri")] },
                new Department { Id = "pharmacy", Name = "Pharmacy" },
                new Department { Id = "lab", Name = "Laboratory" },
            ],
        }, Ct);
        Person[] people =
        [
            PersonAt("nm", f, "unit-manager", "medicine", "3-west"), PersonAt("charge", f, "unit-manager", "medicine", "3-west"),
            PersonAt("east-nm", f, "unit-manager", "medicine", "3-east"), PersonAt("med-head", f, "department-head", "medicine"),
            PersonAt("mri-nm", f, "unit-manager", "imaging", "mri"), PersonAt("imaging-head", f, "department-head", "imaging"),
            PersonAt("imaging-exec", f, "executive"), PersonAt("pharm-head", f, "department-head", "pharmacy"),
            PersonAt("aod", f, "executive"), PersonAt("cno", f, "executive"), PersonAt("comp", f, "compliance"),
        ];
        foreach (var p in people) await Directory.InsertPersonAsync(p, Ct);
        if (withChain)
        {
            await Directory.InsertChainAsync(new EscalationChain
            {
                FacilityId = f,
                Executive = [$"{f}-aod", $"{f}-cno"],
                ComplianceContact = $"{f}-comp",
                Departments = [new DepartmentEscalation { DepartmentId = "medicine", Department = [$"{f}-med-head"] }],
                Units =
                [
                    new UnitEscalation { UnitId = "3-west", Unit = [$"{f}-nm", $"{f}-charge"] },
                    new UnitEscalation { UnitId = "mri", Unit = [$"{f}-mri-nm"], Department = [$"{f}-imaging-head"], Executive = [$"{f}-imaging-exec"] },
                ],
            }, Ct);
        }

        return f;
    }

    private async Task<IReadOnlyList<(string Id, string Role)>> ResolveAsync(string facility, string? department, string? unit, string level) =>
        (await Escalation.ResolveRecipientsAsync(facility, department, unit, Wire.Parse<EscalationLevel>(level), Ct)).Select(r => (r.PersonId[(facility.Length + 1)..], r.Role)).ToList();

    [Fact]
    public async Task Each_level_of_a_unit_resolves_to_the_chains_holders_in_order_with_how_to_reach_them()
    {
        var f = await FacilityAsync();

        Assert.Equal([("nm", "unit-manager"), ("charge", "unit-manager")], await ResolveAsync(f, "medicine", "3-west", "unit"));
        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "medicine", "3-west", "department"));
        Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, "medicine", "3-west", "executive"));

        var manager = (await Escalation.ResolveRecipientsAsync(f, "medicine", "3-west", EscalationLevel.Unit, Ct))[0];
        Assert.Equal(new StaffRecipient
        {
            PersonId = $"{f}-nm", Name = "nm", Role = "unit-manager", Email = "nm@example.org", Phone = "+1-555-0150", Pager = "+1-555-0151", TimeZone = "America/Chicago",
        }, manager);
    }

    [Fact]
    public async Task A_unit_without_chain_holders_falls_back_to_unit_managers_covering_it_then_to_the_department_head()
    {
        var f = await FacilityAsync();

        Assert.Equal([("east-nm", "unit-manager")], await ResolveAsync(f, "medicine", "3-east", "unit"));
        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "medicine", "3-north", "unit"));
    }

    [Fact]
    public async Task A_case_without_a_unit_reaches_its_department_head_at_level_unit()
    {
        var f = await FacilityAsync();

        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "medicine", null, "unit"));
        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "medicine", null, "department"));
        Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, "medicine", null, "executive"));
    }

    [Fact]
    public async Task A_case_without_a_department_reaches_the_facilitys_executives_at_every_level()
    {
        var f = await FacilityAsync();

        foreach (var level in new[] { "unit", "department", "executive" })
            Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, null, null, level));
    }

    [Fact]
    public async Task A_unit_may_override_the_department_and_executive_levels()
    {
        var f = await FacilityAsync();

        Assert.Equal([("mri-nm", "unit-manager")], await ResolveAsync(f, "imaging", "mri", "unit"));
        Assert.Equal([("imaging-head", "department-head")], await ResolveAsync(f, "imaging", "mri", "department"));
        Assert.Equal([("imaging-exec", "executive")], await ResolveAsync(f, "imaging", "mri", "executive"));
        // Without the unit, the imaging department has no holders of its own in the chain: its head is found by coverage.
        Assert.Equal([("imaging-head", "department-head")], await ResolveAsync(f, "imaging", null, "department"));
        Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, "imaging", null, "executive"));
    }

    [Fact]
    public async Task A_department_without_units_or_chain_entry_uses_its_head_by_coverage_or_else_the_executives()
    {
        var f = await FacilityAsync();

        Assert.Equal([("pharm-head", "department-head")], await ResolveAsync(f, "pharmacy", null, "unit"));
        Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, "lab", null, "unit"));
        Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, "lab", null, "department"));
    }

    [Fact]
    public async Task A_unit_implies_its_department_and_unknown_places_are_ignored()
    {
        var f = await FacilityAsync();

        Assert.Equal([("nm", "unit-manager"), ("charge", "unit-manager")], await ResolveAsync(f, null, "3-west", "unit"));
        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "imaging", "3-west", "department"));
        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "medicine", "no-such-unit", "unit"));
        Assert.Equal([("aod", "executive"), ("cno", "executive")], await ResolveAsync(f, "no-such-department", null, "unit"));
    }

    [Fact]
    public async Task Without_any_chain_people_covering_the_facility_are_found_by_role()
    {
        var f = await FacilityAsync(withChain: false);

        Assert.Equal([("charge", "unit-manager"), ("nm", "unit-manager")], await ResolveAsync(f, "medicine", "3-west", "unit"));
        Assert.Equal([("med-head", "department-head")], await ResolveAsync(f, "medicine", "3-west", "department"));
        Assert.Equal([("aod", "executive"), ("cno", "executive"), ("imaging-exec", "executive")], await ResolveAsync(f, "medicine", "3-west", "executive"));
        Assert.Equal($"{f}-comp", (await Escalation.ComplianceContactAsync(f, Ct))?.PersonId);
    }

    [Fact]
    public async Task With_no_executive_at_all_the_executive_level_reaches_the_compliance_contact()
    {
        var f = "esc-" + Guid.NewGuid().ToString("N")[..8];
        await Directory.InsertAsync(new Facility { Id = f, Name = f, HealthSystem = "Test", TimeZone = "UTC" }, Ct);
        await Directory.InsertPersonAsync(PersonAt("comp", f, "compliance"), Ct);

        Assert.Equal([("comp", "compliance")], await ResolveAsync(f, null, null, "unit"));
        Assert.Equal([("comp", "compliance")], await ResolveAsync(f, null, null, "executive"));
    }

    [Fact]
    public async Task The_compliance_contact_is_the_one_the_chain_names()
    {
        var f = await FacilityAsync();

        var compliance = await Escalation.ComplianceContactAsync(f, Ct);

        Assert.Equal(($"{f}-comp", "compliance", "comp@example.org"), (compliance!.PersonId, compliance.Role, compliance.Email));
    }

    [Fact]
    public async Task People_the_chain_names_who_are_no_longer_in_the_directory_are_skipped()
    {
        var f = await FacilityAsync(withChain: false);
        await Directory.InsertChainAsync(new EscalationChain { FacilityId = f, Units = [new UnitEscalation { UnitId = "3-west", Unit = ["gone", $"{f}-nm"] }], Executive = ["gone"] }, Ct);

        Assert.Equal([("nm", "unit-manager")], await ResolveAsync(f, "medicine", "3-west", "unit"));
        // Nobody left in the executive chain: executives by coverage.
        Assert.Equal([("aod", "executive"), ("cno", "executive"), ("imaging-exec", "executive")], await ResolveAsync(f, null, null, "executive"));
    }

    [Fact]
    public async Task An_unknown_facility_has_nobody_and_an_unknown_level_is_refused()
    {
        Assert.Empty(await Escalation.ResolveRecipientsAsync("no-such-facility", null, null, EscalationLevel.Executive, Ct));
        Assert.Null(await Escalation.ComplianceContactAsync("no-such-facility", Ct));
        Assert.False(Wire.TryParse<EscalationLevel>("board", out _));
        await Assert.ThrowsAsync<ArgumentException>(() => Escalation.ResolveRecipientsAsync(Samples.Riverside, null, null, (EscalationLevel)99, Ct));
    }
}
