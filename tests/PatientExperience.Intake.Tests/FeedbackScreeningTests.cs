using PatientExperience.Intake.Feedback;

namespace PatientExperience.Intake.Tests;

public sealed class FeedbackScreeningTests
{
    [Theory]
    [InlineData("The night nurse slapped my mother and shouted at her", "abuse")]
    [InlineData("He was left in soiled sheets all night and got a pressure ulcer", "neglect")]
    [InlineData("She was given the wrong medication and had a fall", "harm")]
    [InlineData("My son said he wanted to kill myself... he said he would end my life", "self-harm")]
    [InlineData("I was treated differently because of my race", "discrimination")]
    [InlineData("Mi madre sufrió abuso en la sala", "abuse")]
    public void Safety_indicators_are_found(string text, string indicator) =>
        Assert.Contains(indicator, FeedbackScreening.Screen(text).Indicators);

    [Fact]
    public void An_ordinary_complaint_raises_no_safety_indicator_and_names_its_categories_most_likely_first()
    {
        var result = FeedbackScreening.Screen("We waited four hours in the waiting room and nobody explained the delay. The wait was awful.");
        Assert.Empty(result.Indicators);
        Assert.Equal("wait-times", result.CategoryHints[0]);
        Assert.Contains("communication", result.CategoryHints);
    }

    [Fact]
    public void Words_inside_other_words_do_not_count()
    {
        var result = FeedbackScreening.Screen("The pharmacy issue about pressure settings");
        Assert.DoesNotContain("harm", result.Indicators);
        Assert.DoesNotContain("threat", result.Indicators);
    }
}
