using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>The organisation directory's rules, on the model itself: no HTTP, no store.</summary>
public sealed class DirectoryRulesTests
{
    private static readonly Department Emergency = new()
    {
        Id = "emergency", Name = "Emergency",
        Units = [new Unit { Id = "ed-adult", Name = "Adult ED" }, new Unit { Id = "ed-peds", Name = "Paediatric ED" }],
    };

    private static readonly Department Medicine = new() { Id = "medicine", Name = "Medicine", Units = [new Unit { Id = "5-east", Name = "5 East" }] };

    private static readonly Facility Riverside = new()
    {
        Id = "riverside", Name = "Riverside General", HealthSystem = "Test", TimeZone = "America/New_York", Departments = [Emergency, Medicine],
    };

    private static Person Covering(string id, string facilityId = "riverside") => new()
    {
        Id = id, Name = id, Email = $"{id}@example.org", Roles = ["unit-manager"], Covers = [new Coverage { FacilityId = facilityId }],
    };

    private static readonly EscalationChain ChainNamingAdultEd = new()
    {
        FacilityId = "riverside", Units = [new UnitEscalation { UnitId = "ed-adult", Unit = ["nurse-1"] }],
    };

    private static readonly EscalationChain ChainNamingMedicine = new()
    {
        FacilityId = "riverside", Departments = [new DepartmentEscalation { DepartmentId = "medicine", Department = ["head-1"] }],
    };

    // Departments and units

    [Fact]
    public void A_unit_still_named_in_the_escalation_chain_cannot_be_dropped_from_its_department()
    {
        var withoutAdultEd = Emergency with { Units = [new Unit { Id = "ed-peds", Name = "Paediatric ED" }] };

        Assert.Equal(UnitRemovalRule.UnitStillNamed, UnitRemovalRule.CheckReplacing(Emergency, withoutAdultEd, ChainNamingAdultEd));
    }

    [Fact]
    public void A_unit_the_chain_does_not_name_may_be_dropped_and_renaming_a_named_one_is_no_removal()
    {
        var withoutPeds = Emergency with { Units = [new Unit { Id = "ed-adult", Name = "Adult Emergency" }] };

        Assert.Null(UnitRemovalRule.CheckReplacing(Emergency, withoutPeds, ChainNamingAdultEd));
        Assert.Null(UnitRemovalRule.CheckReplacing(Emergency, Emergency with { Units = [] }, chain: null));
    }

    [Fact]
    public void A_department_named_in_the_chain_or_holding_a_named_unit_cannot_be_removed()
    {
        Assert.Equal(UnitRemovalRule.DepartmentStillNamed, UnitRemovalRule.CheckRemoving(Medicine, ChainNamingMedicine));
        Assert.Equal(UnitRemovalRule.DepartmentStillNamed, UnitRemovalRule.CheckRemoving(Emergency, ChainNamingAdultEd));
    }

    [Fact]
    public void A_department_the_chain_does_not_name_may_be_removed()
    {
        Assert.Null(UnitRemovalRule.CheckRemoving(Emergency, ChainNamingMedicine));
        Assert.Null(UnitRemovalRule.CheckRemoving(Medicine, chain: null));
    }

    [Fact]
    public void A_department_is_added_at_the_end_or_replaced_in_its_place_and_removed_by_id()
    {
        var surgery = new Department { Id = "surgery", Name = "Surgery" };
        var renamed = Emergency with { Name = "Emergency Medicine" };

        Assert.Equal(["emergency", "medicine", "surgery"], Riverside.WithDepartment(surgery).Departments.Select(d => d.Id));
        Assert.Equal("Emergency Medicine", Riverside.WithDepartment(renamed).Departments[0].Name);
        Assert.Equal(["emergency"], Riverside.WithoutDepartment("medicine").Departments.Select(d => d.Id));
    }

    [Fact]
    public void A_unit_id_is_used_once_in_a_facility_so_a_department_may_reuse_only_its_own()
    {
        Assert.Equal(["5-east"], Riverside.UnitIdsOutside("emergency"));
        Assert.Equal(["ed-adult", "ed-peds", "5-east"], Riverside.UnitIdsOutside("cardiology"));
    }

    [Fact]
    public void Two_departments_of_a_new_facility_may_not_share_a_unit_or_an_id()
    {
        var v = new DirectoryValidation();
        var request = new FacilityRequest
        {
            Id = "harbor", Name = "Harbor", HealthSystem = "Test", TimeZone = "Europe/London", RegulatoryProfile = "nhs-england",
            Departments =
            [
                new DepartmentRequest { Id = "emergency", Name = "Emergency", Units = [new UnitRequest { Id = "ed", Name = "ED" }] },
                new DepartmentRequest { Id = "acute", Name = "Acute", Units = [new UnitRequest { Id = "ed", Name = "ED again" }] },
                new DepartmentRequest { Id = "emergency", Name = "Emergency again", Units = [] },
            ],
        };

        Assert.Null(request.ToFacility(v, "harbor", new RegulatoryProfiles([])));
        Assert.Equal(["departments[1].units[0].id", "departments[2].id"], v.Errors.Keys);
    }

    // People

    [Fact]
    public void A_person_covering_a_unit_covers_its_department_too()
    {
        var check = Riverside.Cover(null, "5-east");

        Assert.Equal(new Coverage { FacilityId = "riverside", DepartmentId = "medicine", UnitId = "5-east" }, check.Coverage);
    }

    [Fact]
    public void A_person_may_cover_a_whole_facility_or_one_department()
    {
        Assert.Equal(new Coverage { FacilityId = "riverside" }, Riverside.Cover("", null).Coverage);
        Assert.Equal(new Coverage { FacilityId = "riverside", DepartmentId = "emergency" }, Riverside.Cover("emergency", "").Coverage);
    }

    [Theory]
    [InlineData("cardiology", null, "departmentId")]
    [InlineData(null, "icu", "unitId")]
    [InlineData("medicine", "ed-adult", "unitId")]
    public void Coverage_of_a_department_or_unit_the_facility_lacks_is_refused_naming_the_field(string? departmentId, string? unitId, string field)
    {
        var check = Riverside.Cover(departmentId, unitId);

        Assert.Null(check.Coverage);
        Assert.Equal(field, check.Field);
    }

    [Theory]
    [InlineData("a@example.org", null, null, true)]
    [InlineData(null, null, "555-0100", true)]
    [InlineData(" ", "", null, false)]
    public void A_person_must_be_reachable_by_email_phone_or_pager(string? email, string? phone, string? pager, bool reachable)
    {
        Assert.Equal(reachable, Person.IsReachable(email, phone, pager));
    }

    [Fact]
    public void A_person_covering_several_facilities_is_seen_by_staff_of_any_but_changed_only_by_staff_of_all()
    {
        var person = Covering("nurse-1") with { Covers = [new Coverage { FacilityId = "riverside" }, new Coverage { FacilityId = "mesa" }] };
        bool RiversideOnly(string facilityId) => facilityId == "riverside";

        Assert.True(person.IsVisibleTo(RiversideOnly));
        Assert.False(person.MayBeChangedBy(RiversideOnly));
        Assert.True(person.MayBeChangedBy(_ => true));
        Assert.False(person.IsVisibleTo(f => f == "harbor"));
    }

    // Escalation chains

    [Fact]
    public void Only_people_who_cover_the_facility_may_be_named_in_its_escalation_chain()
    {
        var v = new DirectoryValidation();
        var chain = new EscalationChainBuilder(Riverside, [Covering("exec-1"), Covering("stranger", "mesa")], v);

        chain.SetExecutive(["exec-1", "stranger"]);
        chain.SetComplianceContact("stranger");

        Assert.Null(chain.Build());
        Assert.Equal(["executive[1]", "complianceContact"], v.Errors.Keys);
    }

    [Fact]
    public void A_department_or_unit_of_the_chain_must_be_the_facilitys_and_listed_once()
    {
        var v = new DirectoryValidation();
        var chain = new EscalationChainBuilder(Riverside, [Covering("head-1")], v);

        chain.AddDepartment("departments[0]", "medicine", ["head-1"], null);
        chain.AddDepartment("departments[1]", "medicine", ["head-1"], null);
        chain.AddDepartment("departments[2]", "cardiology", ["head-1"], null);
        chain.AddUnit("units[0]", "icu", ["head-1"], null, null);

        Assert.Null(chain.Build());
        Assert.Equal(["Listed twice."], v.Errors["departments[1].departmentId"]);
        Assert.Equal(["No such department at the facility."], v.Errors["departments[2].departmentId"]);
        Assert.Equal(["No such unit at the facility."], v.Errors["units[0].unitId"]);
    }

    [Fact]
    public void A_valid_chain_keeps_each_level_in_order_without_repeats()
    {
        var v = new DirectoryValidation();
        var chain = new EscalationChainBuilder(Riverside, [Covering("exec-1"), Covering("exec-2"), Covering("nurse-1"), Covering("compliance-1")], v);

        chain.SetExecutive(["exec-2", "exec-1", "exec-2"]);
        chain.SetComplianceContact("compliance-1");
        chain.AddUnit("units[0]", "ed-adult", ["nurse-1"], null, ["exec-1"]);
        var built = chain.Build();

        Assert.NotNull(built);
        Assert.Equal(["exec-2", "exec-1"], built.Executive);
        Assert.Equal("compliance-1", built.ComplianceContact);
        Assert.Equal(["exec-1"], Assert.Single(built.Units).Executive);
        Assert.Null(built.Units[0].Department);
    }
}
