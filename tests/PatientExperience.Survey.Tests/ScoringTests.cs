using System.Text.Json;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Invitations;
using PatientExperience.Survey.Policy;
using PatientExperience.Survey.Responding;
using PatientExperience.Survey.Scoring;

namespace PatientExperience.Survey.Tests;

public sealed class ScoringTests
{
    private static readonly DateTimeOffset Now = SurveyApp.Start;

    private static SurveyDefinition Published(string id, SurveyContent content) =>
        SurveyDefinition.Draft(id, 1, content, Now, "test").Definition!.Publish(Now).Definition!;

    private static readonly SurveyDefinition Inpatient = Published(SurveyTemplates.InpatientId, SurveyTemplates.Inpatient);
    private static readonly SurveyDefinition Nps = Published(SurveyTemplates.NpsId, SurveyTemplates.Nps);

    private static AnswerSheet Sheet(SurveyDefinition survey, string json, bool contact = false)
    {
        var errors = new Dictionary<string, string[]>();
        var sheet = AnswerSheet.Read(survey, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json), contact, errors);
        Assert.Empty(errors);
        return sheet!;
    }

    [Theory]
    [InlineData(SurveyQuestionType.FourPointFrequency, "always", 4, true, false)]
    [InlineData(SurveyQuestionType.FourPointFrequency, "usually", 3, false, false)]
    [InlineData(SurveyQuestionType.FourPointFrequency, "sometimes", 2, false, true)]
    [InlineData(SurveyQuestionType.FourPointFrequency, "never", 1, false, true)]
    [InlineData(SurveyQuestionType.YesNo, "yes", 1, true, false)]
    [InlineData(SurveyQuestionType.YesNo, "no", 0, false, true)]
    [InlineData(SurveyQuestionType.Definitely, "definitely-yes", 4, true, false)]
    [InlineData(SurveyQuestionType.Definitely, "probably-yes", 3, false, false)]
    [InlineData(SurveyQuestionType.Definitely, "probably-no", 2, false, true)]
    [InlineData(SurveyQuestionType.Definitely, "definitely-no", 1, false, true)]
    public void Each_choice_scores_with_its_top_and_bottom_box(SurveyQuestionType type, string choice, int value, bool top, bool bottom) =>
        Assert.Equal(new ScoredAnswer(value, top, bottom), QuestionScales.Score(type, choice, null));

    [Theory]
    [InlineData(10, true, false)]
    [InlineData(9, true, false)]
    [InlineData(8, false, false)]
    [InlineData(7, false, false)]
    [InlineData(6, false, true)]
    [InlineData(0, false, true)]
    public void Ratings_and_nps_are_top_box_at_9_and_10_and_bottom_box_at_6_or_less(int n, bool top, bool bottom)
    {
        Assert.Equal(new ScoredAnswer(n, top, bottom), QuestionScales.Score(SurveyQuestionType.Rating, null, n));
        Assert.Equal(new ScoredAnswer(n, top, bottom), QuestionScales.Score(SurveyQuestionType.Nps, null, n));
    }

    [Fact]
    public void Values_a_question_does_not_offer_do_not_score()
    {
        Assert.Null(QuestionScales.Score(SurveyQuestionType.Rating, null, 11));
        Assert.Null(QuestionScales.Score(SurveyQuestionType.Nps, null, -1));
        Assert.Null(QuestionScales.Score(SurveyQuestionType.FourPointFrequency, "often", null));
        Assert.Null(QuestionScales.Score(SurveyQuestionType.YesNo, "Yes", null));
        Assert.Null(QuestionScales.Score(SurveyQuestionType.FreeText, "anything", null));
    }

    [Fact]
    public void A_composite_scores_the_share_of_its_answered_items_that_are_top_box()
    {
        var sheet = Sheet(Inpatient, """{"nurse-respect":"always","nurse-listen":"usually","nurse-explain":"always","doctor-respect":"never","room-clean":"always"}""");
        var composites = Scorer.Composites(Inpatient, sheet.Items).ToDictionary(c => c.CompositeId);

        Assert.Equal(2 / 3.0, composites["nurse-communication"].TopBox, 6);
        Assert.Equal(3, composites["nurse-communication"].Answered);
        Assert.Equal(0, composites["doctor-communication"].TopBox);
        Assert.Equal(1, composites["doctor-communication"].Answered); // skipped items do not count
        Assert.Equal(1, composites["environment"].TopBox);
        Assert.False(composites.ContainsKey("medicines")); // nothing answered
    }

    [Fact]
    public void Nps_counts_promoters_passives_and_detractors_and_scores_their_difference()
    {
        var invitations = new[] { 10, 9, 9, 8, 7, 6, 0, 3 }.Select(n => Responded(Nps, $$"""{"nps":{{n}}}""")).ToList();
        invitations.Add(Invited());
        invitations.Add(Invited());

        var results = SurveyResults.From(invitations);

        Assert.Equal(10, results.Invited);
        Assert.Equal(8, results.Responded);
        Assert.Equal(0.8, results.ResponseRate);
        Assert.Equal(new NpsResult(0, 3, 2, 3, 8), results.Nps);
    }

    [Fact]
    public void Composite_results_average_respondents_shares()
    {
        var results = SurveyResults.From([
            Responded(Inpatient, """{"nurse-respect":"always","nurse-listen":"always"}"""),
            Responded(Inpatient, """{"nurse-respect":"always","nurse-listen":"never"}"""),
            Responded(Inpatient, """{"room-clean":"never"}"""),
        ]);

        var nurses = Assert.Single(results.Composites, c => c.Id == "nurse-communication");
        Assert.Equal(0.75, nurses.TopBox);
        Assert.Equal(2, nurses.N);
        Assert.Equal(new CompositeResult("environment", 0, 1), Assert.Single(results.Composites, c => c.Id == "environment"));
        Assert.Equal(new NpsResult(0, 0, 0, 0, 0), results.Nps);
    }

    [Fact]
    public void No_invitations_give_zeros_not_errors() => Assert.Equal(0, SurveyResults.Empty.ResponseRate);

    [Fact]
    public void Service_recovery_is_asked_for_detractors_bottom_box_critical_items_and_requests_for_contact()
    {
        var items = Sheet(Inpatient, """{"help-when-asked":"sometimes","room-clean":"never"}""").Items;

        Assert.Equal([LowSatisfactionReason.NpsDetractor], ServiceRecoveryRule.Evaluate(6, [], [], false).Reasons);
        Assert.Empty(ServiceRecoveryRule.Evaluate(7, [], [], false).Reasons);
        var critical = ServiceRecoveryRule.Evaluate(null, items, ["help-when-asked"], false);
        Assert.Equal([LowSatisfactionReason.CriticalItem], critical.Reasons);
        Assert.Equal(["help-when-asked"], critical.CriticalItems);
        Assert.Empty(ServiceRecoveryRule.Evaluate(null, items, [], false).Reasons); // bottom box, but not a critical item
        Assert.Equal([LowSatisfactionReason.ContactRequested], ServiceRecoveryRule.Evaluate(10, [], [], true).Reasons);
    }

    private static SurveyInvitation Planned(SurveyDefinition survey) =>
        SurveyInvitation.Plan(Samples.Discharge(Now), SurveyPolicy.Default("riverside"), survey, "protected", SurveyToken.Hash(SurveyToken.New()), Now);

    private static SurveyInvitation Invited() => Planned(Nps) with { Status = InvitationStatus.Invited, IssuedAt = Now };

    private static SurveyInvitation Responded(SurveyDefinition survey, string answers)
    {
        var invitation = Planned(survey);
        var outcome = invitation.Answer(survey, Sheet(survey, answers), false, false, null, Guid.NewGuid(), Now.AddDays(3));
        return outcome.Invitation!;
    }
}

public sealed class AnswerValidationTests
{
    private static readonly SurveyDefinition Inpatient =
        SurveyDefinition.Draft(SurveyTemplates.InpatientId, 1, SurveyTemplates.Inpatient, SurveyApp.Start, "test").Definition!;

    private static Dictionary<string, string[]> Problems(string json, bool contact = false)
    {
        var errors = new Dictionary<string, string[]>();
        var sheet = AnswerSheet.Read(Inpatient, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json), contact, errors);
        Assert.Equal(errors.Count == 0, sheet is not null);
        return errors;
    }

    [Fact]
    public void Each_answer_is_checked_against_its_questions_type()
    {
        var errors = Problems("""{"nurse-respect":"often","overall-rating":11,"recommend":true,"discharge-help":"Yes","comments":42,"unknown":"always","room-clean":4}""");
        Assert.Equal(["answers.comments", "answers.discharge-help", "answers.nurse-respect", "answers.overall-rating", "answers.recommend", "answers.room-clean", "answers.unknown"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_rating_must_be_a_whole_number() => Assert.Contains("answers.overall-rating", Problems("""{"overall-rating":8.5}""").Keys);

    [Fact]
    public void Skipped_questions_are_fine_but_an_empty_answer_is_not()
    {
        Assert.Empty(Problems("""{"overall-rating":9,"nurse-respect":null}"""));
        Assert.Contains("answers", Problems("{}").Keys);
        Assert.Empty(Problems("{}", contact: true));
    }

    [Fact]
    public void A_comment_with_a_text_direction_override_is_refused()
    {
        var errors = Problems("{\"comments\":\"fine \\u202Eenon\\u202C\",\"overall-rating\":10}");

        Assert.Equal(["answers.comments"], errors.Keys);
    }

    [Fact]
    public void Free_text_is_kept_apart_from_the_scores()
    {
        var errors = new Dictionary<string, string[]>();
        var sheet = AnswerSheet.Read(Inpatient, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"comments":"The night nurse was wonderful","overall-rating":10}"""), false, errors)!;
        Assert.Equal("The night nurse was wonderful", sheet.Comments["comments"]);
        Assert.DoesNotContain(sheet.Items, i => i.QuestionId == "comments");
        Assert.Single(sheet.Items);
    }
}
