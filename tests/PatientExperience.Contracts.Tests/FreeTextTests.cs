using PatientExperience.ServiceDefaults.Text;

namespace PatientExperience.Contracts.Tests;

/// <summary>The one rule for free text from people, which every service applies to what it accepts.</summary>
public sealed class FreeTextTests
{
    [Theory]
    [InlineData("Waited nine hours.\nNo update.\r\n\tThen left.")]
    [InlineData("Esperé nueve horas 😞")]
    [InlineData("שלום \u200F مرحبا \u200E")]
    [InlineData("")]
    public void Ordinary_text_in_any_script_with_line_breaks_is_accepted(string text) => Assert.True(FreeText.IsSafe(text));

    [Theory]
    [InlineData("\u202Aembedding")]
    [InlineData("\u202Boverride")]
    [InlineData("\u202Cpop")]
    [InlineData("\u202Dltr override")]
    [InlineData("\u202Ertl override")]
    [InlineData("\u2066isolate")]
    [InlineData("\u2067isolate")]
    [InlineData("\u2068isolate")]
    [InlineData("\u2069pop isolate")]
    [InlineData("escape \u001b[2J")]
    [InlineData("null \0")]
    [InlineData("c1 \u0085")]
    public void Control_characters_direction_overrides_and_broken_surrogates_are_refused(string text)
    {
        Assert.False(FreeText.IsSafe(text));
        Assert.Equal(FreeText.RefusalMessage, FreeText.Problem(text));
    }

    [Fact]
    public void Broken_surrogate_pairs_are_refused()
    {
        // Built here, not in attributes: a test runner's serialisation of arguments would replace them with U+FFFD.
        Assert.False(FreeText.IsSafe("lone high " + (char)0xD83D));
        Assert.False(FreeText.IsSafe("lone low " + (char)0xDE1E + "x"));
        Assert.False(FreeText.IsSafe("swapped " + (char)0xDE1E + (char)0xD83D));
    }

    [Fact]
    public void A_single_line_field_refuses_line_breaks_and_tabs()
    {
        Assert.False(FreeText.IsSafe("Ann\nBcc: x@example.org", multiLine: false));
        Assert.False(FreeText.IsSafe("Ann\tLee", multiLine: false));
        Assert.True(FreeText.IsSafe("Ann Lee-O'Brien", multiLine: false));
    }
}
