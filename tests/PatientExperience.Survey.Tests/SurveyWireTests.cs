using System.Text.Json;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Survey.Tests;

/// <summary>The survey vocabulary keeps its wire strings in messages, stored documents and HTTP bodies.</summary>
public sealed class SurveyWireTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static readonly TheoryData<SurveyQuestionType, string> QuestionTypes = new()
    {
        { SurveyQuestionType.FourPointFrequency, "four-point-frequency" }, { SurveyQuestionType.Rating, "rating-0-10" },
        { SurveyQuestionType.YesNo, "yes-no" }, { SurveyQuestionType.Definitely, "definitely" },
        { SurveyQuestionType.FreeText, "free-text" }, { SurveyQuestionType.Nps, "nps" },
    };

    public static readonly TheoryData<LowSatisfactionReason, string> Reasons = new()
    {
        { LowSatisfactionReason.NpsDetractor, "nps-detractor" }, { LowSatisfactionReason.CriticalItem, "critical-item" },
        { LowSatisfactionReason.ContactRequested, "contact-requested" },
    };

    [Theory, MemberData(nameof(QuestionTypes))]
    public void A_question_type_keeps_its_wire_string(SurveyQuestionType type, string wire)
    {
        Assert.Equal(wire, type.ToWire());
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(type, Web));
        Assert.Equal(type, JsonSerializer.Deserialize<SurveyQuestionType>($"\"{wire}\"", Web));
    }

    [Theory, MemberData(nameof(Reasons))]
    public void A_service_recovery_reason_keeps_its_wire_string(LowSatisfactionReason reason, string wire)
    {
        Assert.Equal(wire, reason.ToWire());
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(reason, Web));
    }

    [Fact]
    public void LowSatisfactionDetected_reads_as_the_case_service_expects()
    {
        var json = JsonSerializer.Serialize(new LowSatisfactionDetected
        {
            ResponseId = Guid.Empty, InvitationId = Guid.Empty, DischargeId = Guid.Empty, FacilityId = "riverside", SurveyId = "nps", Language = "en",
            Reasons = [LowSatisfactionReason.NpsDetractor, LowSatisfactionReason.ContactRequested], Nps = 3, ContactRequested = true,
            DetectedAt = SurveyApp.Start,
        }, Web);

        Assert.Contains("\"reasons\":[\"nps-detractor\",\"contact-requested\"]", json, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_question_type_is_refused() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SurveyQuestionType>("\"likert-7\"", Web));
}
