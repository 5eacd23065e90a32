using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;

namespace PatientExperience.Case.Tests;

/// <summary>The rules of staff actions on a case, checked on the aggregate itself: no HTTP, no store.</summary>
public sealed class CaseRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static string Protect(string text) => "protected:" + text;

    private static string ProtectLetter(LetterContent letter) => "protected:" + letter.Body;

    private static CaseFile Open(string? kind = "complaint") => CaseFile.Open(Samples.Feedback(kind: kind), Now.AddHours(-1), TimeZoneInfo.Utc);

    private static CaseFile Resolved()
    {
        var c = Open();
        c.Reclassify("pr-1", "complaint", null, null, null, "Not a grievance after all.", Protect, Now);
        Assert.True(c.Resolve("pr-1", Now).Succeeded);
        return c;
    }

    private static void AssertInvalid(CaseActionResult result, string field)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(field, result.InvalidField?.Field);
    }

    private static ResponseLetterDraft FinalLetter(string? body = "Dear patient") =>
        new("final", "Dana Ruiz", "Reviewed the triage log.", "Triage times were shortened.", new DateOnly(2026, 3, 1), body);

    [Fact]
    public void A_note_is_kept_protected_and_recorded_in_the_timeline()
    {
        var c = Open();

        var result = c.AddNote("pr-1", "Called the family back.", Protect, Now);

        Assert.True(result.Succeeded);
        Assert.Equal("protected:Called the family back.", Assert.Single(c.Notes).ProtectedText);
        Assert.Equal("note-added", c.History[^1].Action);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void A_blank_note_is_refused_naming_the_text(string? text)
    {
        var c = Open();

        AssertInvalid(c.AddNote("pr-1", text, Protect, Now), "text");
        Assert.Empty(c.Notes);
    }

    [Fact]
    public void A_note_longer_than_the_limit_is_refused()
    {
        AssertInvalid(Open().AddNote("pr-1", new string('x', StaffInput.MaxText + 1), Protect, Now), "text");
    }

    [Theory]
    [InlineData("Family agreed \u202Ename\u202C")]
    [InlineData("Bell \u0007 rang")]
    public void A_note_with_control_or_text_direction_characters_is_refused(string text)
    {
        var c = Open();

        AssertInvalid(c.AddNote("pr-1", text, Protect, Now), "text");
        Assert.Empty(c.Notes);
    }

    [Fact]
    public void A_note_may_span_lines_and_carry_direction_marks()
    {
        Assert.True(Open().AddNote("pr-1", "Line one\r\nLine two\t\u200Fשלום", Protect, Now).Succeeded);
    }

    [Fact]
    public void Acknowledging_with_a_note_records_the_acknowledgement_then_the_note()
    {
        var c = Open();

        var result = c.Acknowledge("pr-1", "Spoke to the son.", Protect, Now);

        Assert.True(result.Succeeded);
        Assert.IsType<CaseAcknowledged>(Assert.Single(result.Events));
        Assert.Equal(["acknowledged", "note-added"], c.History.TakeLast(2).Select(h => h.Action));
        Assert.Equal(CaseStatus.Acknowledged, c.Status);
    }

    [Fact]
    public void Acknowledging_with_a_note_over_the_limit_changes_nothing()
    {
        var c = Open();

        AssertInvalid(c.Acknowledge("pr-1", new string('x', StaffInput.MaxText + 1), Protect, Now), "note");
        Assert.Equal(CaseStatus.New, c.Status);
        Assert.Null(c.AcknowledgedAt);
    }

    [Fact]
    public void A_closed_case_cannot_be_acknowledged_whatever_the_note()
    {
        var c = Resolved();
        Assert.True(c.Close("pr-1", Now).Succeeded);

        var result = c.Acknowledge("pr-1", new string('x', StaffInput.MaxText + 1), Protect, Now);

        Assert.NotNull(result.ConflictReason);
    }

    [Fact]
    public void A_task_needs_a_department_a_due_date_and_a_description_in_that_order()
    {
        var c = Open();

        AssertInvalid(c.AddTask("pr-1", " ", null, null, Protect, Now), "departmentId");
        AssertInvalid(c.AddTask("pr-1", "emergency", null, null, Protect, Now), "dueAt");
        AssertInvalid(c.AddTask("pr-1", "emergency", "", Now.AddDays(1), Protect, Now), "description");
        Assert.Empty(c.Tasks);
    }

    [Fact]
    public void A_task_due_in_the_past_is_refused()
    {
        AssertInvalid(Open().AddTask("pr-1", "emergency", "Review the triage log", Now.AddMinutes(-1), Protect, Now), "dueAt");
    }

    [Fact]
    public void A_task_moves_an_acknowledged_case_to_investigating()
    {
        var c = Open();
        c.Acknowledge("pr-1", Now);

        var result = c.AddTask("pr-1", "emergency", "Review the triage log", Now.AddDays(3), Protect, Now);

        Assert.True(result.Succeeded);
        Assert.Equal("protected:Review the triage log", Assert.Single(c.Tasks).ProtectedDescription);
        Assert.Equal(CaseStatus.Investigating, c.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Escalating_by_hand_needs_a_reason(string? reason)
    {
        AssertInvalid(Open().RequestEscalation("pr-1", reason, Protect, Now), "reason");
    }

    [Fact]
    public void A_reason_longer_than_500_characters_is_refused()
    {
        AssertInvalid(Open().RequestEscalation("pr-1", new string('r', StaffInput.MaxReason + 1), Protect, Now), "reason");
    }

    [Fact]
    public void Escalating_by_hand_with_a_reason_asks_the_saga_to_move_up_and_keeps_the_reason_encrypted_in_the_history()
    {
        var c = Open();

        var result = c.RequestEscalation("pr-1", "The family called again.", Protect, Now);

        var requested = Assert.IsType<CaseEscalationRequested>(Assert.Single(result.Events));
        Assert.Equal("pr-1", requested.RequestedBy);
        Assert.DoesNotContain("The family called again.", System.Text.Json.JsonSerializer.Serialize(requested), StringComparison.Ordinal); // no staff text on the bus
        Assert.Equal("escalation-requested", c.History[^1].Action);
        Assert.Null(c.History[^1].Detail);
        Assert.Equal("protected:The family called again.", c.History[^1].ProtectedReason);
    }

    [Fact]
    public void Reopening_needs_a_reason_before_anything_else()
    {
        var open = Open();

        AssertInvalid(open.Reopen("pr-1", null, Protect, Now), "reason");
        Assert.NotNull(open.Reopen("pr-1", "The family is not satisfied.", Protect, Now).ConflictReason);
    }

    [Fact]
    public void A_resolved_case_reopens_with_a_reason()
    {
        var c = Resolved();

        var result = c.Reopen("pr-1", "The family is not satisfied.", Protect, Now);

        Assert.True(result.Succeeded);
        Assert.Equal(CaseStatus.Reopened, c.Status);
    }

    [Fact]
    public void A_letter_element_over_the_limit_is_refused_before_the_letter_is_checked()
    {
        var c = Open();

        AssertInvalid(c.RecordLetter("pr-1", FinalLetter(body: new string('x', StaffInput.MaxText + 1)), ProtectLetter, Now), "body");
        Assert.Empty(c.Letters);
    }

    [Fact]
    public void A_letter_of_an_unknown_kind_is_refused()
    {
        AssertInvalid(Open().RecordLetter("pr-1", FinalLetter() with { Kind = null }, ProtectLetter, Now), "kind");
    }

    [Fact]
    public void A_final_letter_names_what_it_is_missing()
    {
        var result = Open().RecordLetter("pr-1", FinalLetter() with { ContactName = null, CompletionDate = null }, ProtectLetter, Now);

        Assert.Equal(["contactName", "completionDate"], result.MissingElements);
    }

    [Fact]
    public void A_complete_final_letter_is_kept_protected_and_marks_the_response_sent()
    {
        var c = Open();

        var result = c.RecordLetter("pr-1", FinalLetter(), ProtectLetter, Now);

        Assert.IsType<ResponseLetterIssued>(Assert.Single(result.Events));
        Assert.Equal("protected:Dear patient", Assert.Single(c.Letters).ProtectedBody);
        Assert.Equal(CaseStatus.ResponseSent, c.Status);
    }

    [Theory]
    [InlineData("concern", null, null, "type")]
    [InlineData(null, "urgent", null, "severity")]
    [InlineData(null, null, "parking", "category")]
    public void Reclassifying_to_an_unknown_value_is_refused_naming_the_field(string? type, string? severity, string? category, string field)
    {
        AssertInvalid(Open().Reclassify("pr-1", type, severity, category, null, "Because.", Protect, Now), field);
    }

    [Fact]
    public void Reclassifying_needs_a_reason_and_keeps_it_in_the_history()
    {
        var c = Open();

        var severity = c.Severity == Severity.Low ? Severity.High : Severity.Low;

        AssertInvalid(c.Reclassify("pr-1", null, severity.ToWire(), null, null, " ", Protect, Now), "reason");
        Assert.True(c.Reclassify("pr-1", null, severity.ToWire(), null, null, "Harm was reported.", Protect, Now).Succeeded);
        Assert.Equal(severity, c.Severity);
        Assert.StartsWith("severity ", c.History[^1].Detail); // what changed, in the platform's words
        Assert.DoesNotContain("Harm", c.History[^1].Detail, StringComparison.Ordinal);
        Assert.Equal("protected:Harm was reported.", c.History[^1].ProtectedReason);
    }

    [Theory]
    [InlineData("patient-relations", true)]
    [InlineData("admin", true)]
    [InlineData("advocate", false)]
    [InlineData("compliance", false)]
    public void Only_patient_relations_and_admins_may_reopen_a_case(string role, bool allowed)
    {
        Assert.Equal(allowed, CaseActionRoles.Allows(CaseActionRoles.Reopen, r => r == role));
    }

    [Theory]
    [InlineData("unit-manager", true, false)]
    [InlineData("department-head", true, true)]
    [InlineData("analyst", false, false)]
    public void Anyone_who_works_cases_may_acknowledge_but_only_coordinators_and_department_heads_give_tasks(string role, bool acknowledge, bool task)
    {
        Assert.Equal(acknowledge, CaseActionRoles.Allows(CaseActionRoles.Acknowledge, r => r == role));
        Assert.Equal(task, CaseActionRoles.Allows(CaseActionRoles.AddTask, r => r == role));
    }

    [Fact]
    public void Compliance_may_reclassify_but_not_resolve()
    {
        Assert.True(CaseActionRoles.Allows(CaseActionRoles.Reclassify, r => r == "compliance"));
        Assert.False(CaseActionRoles.Allows(CaseActionRoles.Resolve, r => r == "compliance"));
    }
}
