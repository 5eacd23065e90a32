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
    public void Text_built_to_make_the_patterns_backtrack_is_screened_to_the_end()
    {
        // Near-misses of every shape the patterns have, about the longest description intake accepts: a stem inside a long
        // word ("xinjuryyy..."), phrases opened and broken after a long run of white space ("left ... x"), a term inside a word.
        var text = string.Concat(Enumerable.Repeat("xinjur" + new string('y', 60) + " left" + new string(' ', 40) + "x unharmed ", 80));
        var result = FeedbackScreening.Screen(text + " and then she had a fall");

        Assert.Contains("harm", result.Indicators);
        Assert.DoesNotContain("neglect", result.Indicators);
    }

    [Fact]
    public void Words_inside_other_words_do_not_count()
    {
        var result = FeedbackScreening.Screen("The pharmacy issue about pressure settings");
        Assert.DoesNotContain("harm", result.Indicators);
        Assert.DoesNotContain("threat", result.Indicators);
    }

    [Theory]
    [InlineData("My father had fallen out of bed twice before anyone came", "harm")]
    [InlineData("She was falling when the nurse walked away", "harm")]
    [InlineData("He was injured on the ward", "harm")]
    [InlineData("My mother was left   alone for six hours", "neglect")]
    [InlineData("We will be talking to our attorneys", "threat")]
    [InlineData("Fue víctima de discriminación en urgencias", "discrimination")]
    public void Inflected_words_and_phrases_are_found(string text, string indicator) =>
        Assert.Contains(indicator, FeedbackScreening.Screen(text).Indicators);

    [Theory]
    [InlineData("The falafel at the cafeteria was cold")]
    [InlineData("A harmless mix-up, the staff were lovely and the harmony choir sang")]
    [InlineData("Our issue is with the suede chairs in the waiting room and the hotel voucher")]
    [InlineData("The parking attendant was helpful; the pharmacist explained the pills")]
    [InlineData("The burnished floors and the fallow garden need attention")]
    public void Prefixes_of_everyday_words_raise_no_safety_indicator(string text) =>
        Assert.Empty(FeedbackScreening.Screen(text).Indicators);

    [Fact]
    public void A_category_word_counts_only_as_a_whole_word()
    {
        var result = FeedbackScreening.Screen("We stayed in the hotel next door; the carer was careful.");

        Assert.DoesNotContain("environment", result.CategoryHints); // "hotel" is not "hot"
        Assert.DoesNotContain("care-quality", result.CategoryHints); // neither "carer" nor "careful" is "care"
    }
}
