using PatientExperience.Case.Advocacy;
using PatientExperience.Case.Complainants;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests.Advocacy;

/// <summary>The advocacy rules without HTTP: matching an advocate, language tags, secure message text, the complainant's stage.</summary>
public sealed class AdvocacyRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);

    private static AdvocateCandidate Advocate(string id, int open = 0, int? capacity = 10, LeavePeriod? leave = null, params string[] languages) =>
        new(id, languages.Length == 0 ? ["en"] : languages, capacity, leave, open);

    [Fact]
    public void A_patient_who_prefers_spanish_gets_a_spanish_speaking_advocate_even_a_busier_one()
    {
        var match = AdvocateMatcher.Choose([Advocate("ana", open: 0, languages: "en"), Advocate("luis", open: 4, languages: ["en", "es"])], new MatchRequest("es-MX"), Now);

        Assert.Equal("luis", match.AdvocateId);
        Assert.Contains("Speaks the patient's language (es)", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void When_nobody_available_speaks_the_language_the_least_loaded_advocate_is_chosen_and_the_reason_says_so()
    {
        var match = AdvocateMatcher.Choose(
            [Advocate("ana", open: 3), Advocate("ben", open: 1), Advocate("vi-speaker", open: 0, leave: new LeavePeriod(Now.AddDays(-1), Now.AddDays(5)), languages: "vi")],
            new MatchRequest("vi"), Now);

        Assert.Equal("ben", match.AdvocateId);
        Assert.StartsWith("No available advocate speaks the patient's language (vi)", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_returning_patient_keeps_their_advocate_while_that_advocate_can_take_the_case()
    {
        var advocates = new[] { Advocate("ana", open: 0, languages: ["en", "es"]), Advocate("ben", open: 6) };

        var kept = AdvocateMatcher.Choose(advocates, new MatchRequest("es", PreviousAdvocateId: "ben"), Now);
        Assert.Equal("ben", kept.AdvocateId);
        Assert.StartsWith("Returning patient", kept.Reason, StringComparison.Ordinal);

        var full = AdvocateMatcher.Choose([advocates[0], Advocate("ben", open: 10)], new MatchRequest("es", PreviousAdvocateId: "ben"), Now);
        Assert.Equal("ana", full.AdvocateId);
        var away = AdvocateMatcher.Choose([advocates[0], Advocate("ben", leave: new LeavePeriod(Now.AddHours(-1), Now.AddHours(1)))], new MatchRequest(null, PreviousAdvocateId: "ben"), Now);
        Assert.Equal("ana", away.AdvocateId);
    }

    [Fact]
    public void Advocates_on_leave_at_capacity_or_excluded_are_never_chosen_and_with_none_left_nobody_is()
    {
        var advocates = new[]
        {
            Advocate("away", leave: new LeavePeriod(Now.AddDays(-2), Now.AddDays(2))),
            Advocate("full", open: 5, capacity: 5),
            Advocate("leaving", open: 0),
        };

        var none = AdvocateMatcher.Choose(advocates, new MatchRequest("en", Excluding: "leaving"), Now);
        Assert.Null(none.AdvocateId);
        Assert.Contains("on leave or at capacity", none.Reason, StringComparison.Ordinal);
        Assert.Null(AdvocateMatcher.Choose([], new MatchRequest("en"), Now).AdvocateId);

        // Leave that has ended (or not begun) does not count; no capacity means no limit.
        Assert.Equal("back", AdvocateMatcher.Choose([Advocate("back", open: 50, capacity: null, leave: new LeavePeriod(Now.AddDays(-9), Now.AddDays(-1)))], new MatchRequest(null), Now).AdvocateId);
    }

    [Theory]
    [InlineData(3, 10, 30)]
    [InlineData(4, 25, 97)]
    [InlineData(5, 8, 40)]
    public void Taking_cases_one_at_a_time_advocates_of_equal_capacity_stay_within_one_case_of_each_other(int advocates, int capacity, int cases)
    {
        var open = new int[advocates];
        for (var i = 0; i < cases; i++)
        {
            var roster = Enumerable.Range(0, advocates).Select(a => Advocate($"advocate-{a}", open[a], capacity)).ToList();
            var chosen = AdvocateMatcher.Choose(roster, new MatchRequest(i % 3 == 0 ? "es" : null), Now);
            if (chosen.AdvocateId is null)
            {
                Assert.True(open.All(o => o == capacity), "nobody is chosen only when everyone is at capacity");
                continue;
            }

            open[int.Parse(chosen.AdvocateId["advocate-".Length..], System.Globalization.CultureInfo.InvariantCulture)]++;
            Assert.True(open.Max() - open.Min() <= 1, $"after case {i + 1}: [{string.Join(", ", open)}]");
        }

        Assert.Equal(Math.Min(cases, advocates * capacity), open.Sum());
    }

    [Theory]
    [InlineData("es", "es")]
    [InlineData("ES-mx", "es-MX")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData("es-419", "es-419")]
    [InlineData(" pl ", "pl")]
    [InlineData("english", null)]
    [InlineData("e", null)]
    [InlineData("en_US", null)]
    [InlineData("en-US-x-private", null)]
    [InlineData("", null)]
    public void Language_tags_are_checked_and_written_in_their_canonical_case(string tag, string? expected) =>
        Assert.Equal(expected, LanguageTag.Normalise(tag));

    [Fact]
    public void Languages_match_on_the_language_alone()
    {
        Assert.True(LanguageTag.SameLanguage("es", "es-MX"));
        Assert.True(LanguageTag.SameLanguage("zh-Hant", "zh"));
        Assert.False(LanguageTag.SameLanguage("en", "es"));
        Assert.False(LanguageTag.SameLanguage(null, "es"));
    }

    [Theory]
    [InlineData("Hello\u202Eevil", false)]   // right-to-left override
    [InlineData("Hi \u2066there\u2069", false)] // isolates
    [InlineData("Tab\u0007bell", false)]       // control character
    [InlineData("Zero\u200Bwidth", false)]     // zero-width space (format)
    [InlineData("   ", false)]
    [InlineData("Line one\r\nline two\tand a tab", true)]
    [InlineData("Gracias por su ayuda, ¿cuándo me llaman? 谢谢", true)]
    public void Secure_message_text_refuses_control_and_bidirectional_formatting_characters(string text, bool accepted)
    {
        var (checkedText, problem) = SecureMessageText.Check(text, 5_000);
        Assert.Equal(accepted, checkedText is not null);
        Assert.Equal(accepted, problem is null);
        if (problem is not null && text.Trim().Length > 0) Assert.DoesNotContain(text.Trim(), problem, StringComparison.Ordinal);
        if (checkedText is not null) Assert.DoesNotContain('\r', checkedText);
    }

    [Fact]
    public void Secure_message_text_has_a_length_limit() =>
        Assert.NotNull(SecureMessageText.Check(new string('a', 101), 100).Problem);

    [Theory]
    [InlineData(CaseStatus.New, ComplainantStage.Received)]
    [InlineData(CaseStatus.Acknowledged, ComplainantStage.BeingLookedInto)]
    [InlineData(CaseStatus.Investigating, ComplainantStage.BeingLookedInto)]
    [InlineData(CaseStatus.Reopened, ComplainantStage.BeingLookedInto)]
    [InlineData(CaseStatus.ResponseSent, ComplainantStage.ResponseSent)]
    [InlineData(CaseStatus.Resolved, ComplainantStage.Resolved)]
    [InlineData(CaseStatus.Closed, ComplainantStage.Closed)]
    public void Each_case_status_shows_the_complainant_a_stage(CaseStatus status, ComplainantStage stage) =>
        Assert.Equal(stage, ComplainantStages.For(status));

    [Fact]
    public void Status_tokens_are_256_random_bits_and_only_well_formed_ones_are_looked_up()
    {
        var a = StatusToken.New();
        var b = StatusToken.New();
        Assert.NotEqual(a, b);
        Assert.True(StatusToken.IsWellFormed(a));
        Assert.Equal(64, StatusToken.Hash(a).Length);
        Assert.False(StatusToken.IsWellFormed(a[..^1]));
        Assert.False(StatusToken.IsWellFormed(a[..^1] + "!"));
        Assert.False(StatusToken.IsWellFormed(null));
    }
}
