using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Policy;

namespace PatientExperience.Survey.Tests;

public sealed class DefinitionVersioningTests
{
    private static readonly DateTimeOffset Now = SurveyApp.Start;

    private static SurveyDefinition Draft() => SurveyDefinition.Draft("ward-survey", 1, SurveyTemplates.Nps, Now, "editor").Definition!;

    [Fact]
    public void The_shipped_templates_are_valid_in_english_and_spanish()
    {
        foreach (var (id, content) in SurveyTemplates.All)
        {
            Assert.Empty(SurveyDefinition.Problems(content));
            Assert.All(content.Questions, q => Assert.False(string.IsNullOrWhiteSpace(q.Text.Es)));
            Assert.NotNull(SurveyDefinition.Draft(id, 1, content, Now, null).Definition);
        }
    }

    [Fact]
    public void The_inpatient_template_asks_every_kind_of_question_and_has_composites()
    {
        var types = SurveyTemplates.Inpatient.Questions.Select(q => q.Type).ToHashSet();
        Assert.Superset(new HashSet<SurveyQuestionType> { SurveyQuestionType.FourPointFrequency, SurveyQuestionType.Rating, SurveyQuestionType.YesNo, SurveyQuestionType.Definitely, SurveyQuestionType.FreeText }, types);
        Assert.NotEmpty(SurveyTemplates.Inpatient.Composites);
        Assert.Equal(SurveyQuestionType.Nps, Assert.Single(SurveyTemplates.Nps.Questions, q => q.Type != SurveyQuestionType.FreeText).Type);
    }

    [Fact]
    public void A_draft_can_be_edited_and_a_published_version_cannot()
    {
        var draft = Draft();
        var edited = draft.Edit(SurveyTemplates.Inpatient).Definition!;
        Assert.Equal(SurveyTemplates.Inpatient, edited.Content);

        var published = edited.Publish(Now).Definition!;
        Assert.Equal(DefinitionStatus.Published, published.Status);
        var refused = published.Edit(SurveyTemplates.Nps);
        Assert.Null(refused.Definition);
        Assert.NotNull(refused.Conflict);

        var retired = published.Retire(Now).Definition!;
        Assert.Equal(DefinitionStatus.Retired, retired.Status);
        Assert.NotNull(retired.Edit(SurveyTemplates.Nps).Conflict);
        Assert.NotNull(retired.Publish(Now).Conflict);
        Assert.NotNull(Draft().Retire(Now).Conflict);
    }

    [Fact]
    public void Publishing_twice_changes_nothing()
    {
        var published = Draft().Publish(Now).Definition!;
        Assert.Same(published, published.Publish(Now.AddHours(1)).Definition);
    }

    [Fact]
    public void Content_problems_are_named_by_field()
    {
        var content = SurveyTemplates.Inpatient with
        {
            Questions = [.. SurveyTemplates.Inpatient.Questions.Take(2), SurveyTemplates.Inpatient.Questions[0], new Question { Id = "x", Type = SurveyQuestionType.YesNo, Text = new("Only English", null) }],
            Composites = [new Composite { Id = "c", Title = new("C", "C"), QuestionIds = ["nowhere"] }],
        };
        var problems = SurveyDefinition.Problems(content);
        Assert.Contains("questions[2].id", problems.Keys);
        Assert.Contains("questions[3].text.es", problems.Keys);
        Assert.Contains("composites[0].questionIds", problems.Keys);
        Assert.Contains("id", SurveyDefinition.Draft("Not An Id", 1, SurveyTemplates.Nps, Now, null).Problems.Keys);
    }

    [Fact]
    public void A_free_text_question_cannot_be_in_a_composite()
    {
        var content = SurveyTemplates.Nps with { Composites = [new Composite { Id = "c", Title = new("C", "C"), QuestionIds = ["nps-reason"] }] };
        Assert.Contains("composites[0].questionIds", SurveyDefinition.Problems(content).Keys);
    }
}

public sealed class SurveyPolicyTests
{
    private static SurveyPolicy? Parse(SurveyPolicyRequest request, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>();
        return SurveyPolicy.Parse("riverside", request, errors);
    }

    private static readonly SurveyPolicyRequest Issue = new()
    {
        InvitationDelay = "PT48H", ResponseWindow = "P42D", Reminders = ["P7D", "P14D"], SamplingRate = 1.0, MinimumInterval = "P90D", CriticalItems = ["help-when-asked"],
    };

    [Fact]
    public void The_policy_of_the_issue_reads_as_written()
    {
        var policy = Parse(Issue, out var errors)!;
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromHours(48), policy.InvitationDelay);
        Assert.Equal(TimeSpan.FromDays(42), policy.ResponseWindow);
        Assert.Equal([TimeSpan.FromDays(7), TimeSpan.FromDays(14)], policy.Reminders);
        Assert.Equal(TimeSpan.FromDays(90), policy.MinimumInterval);
        Assert.True(policy.SameRulesAs(SurveyPolicy.Default("riverside") with { CriticalItems = ["help-when-asked"] }));
    }

    [Fact]
    public void Seconds_scale_policies_are_allowed_for_tests_and_demos()
    {
        var policy = Parse(new SurveyPolicyRequest { InvitationDelay = "PT2S", ResponseWindow = "PT30S", Reminders = ["PT5S", "PT10S"], MinimumInterval = "PT0S" }, out var errors)!;
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.InvitationDelay);
        Assert.Equal("PT5S", SurveyPolicyView.From(policy).Reminders[0]);
    }

    [Fact]
    public void Bad_fields_are_named()
    {
        Assert.Null(Parse(new SurveyPolicyRequest
        {
            InvitationDelay = "48 hours", ResponseWindow = "PT0S", Reminders = ["P14D", "P7D"], SamplingRate = 1.5, MinimumInterval = "-P1D",
        }, out var errors));
        Assert.Equal(["invitationDelay", "minimumInterval", "reminders[1]", "responseWindow", "samplingRate"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reminders_fall_inside_the_response_window()
    {
        Assert.Null(Parse(Issue with { ResponseWindow = "P10D" }, out var errors));
        Assert.Equal(["reminders[1]"], errors.Keys);
    }

    [Fact]
    public void A_new_version_follows_the_last()
    {
        var v1 = SurveyPolicy.Default("riverside").Succeed(Parse(Issue, out _)!, SurveyApp.Start, "admin");
        Assert.Equal(1, v1.Version);
        Assert.Equal("riverside", v1.FacilityId);
        Assert.Equal(2, v1.Succeed(v1, SurveyApp.Start, "admin").Version);
    }
}
