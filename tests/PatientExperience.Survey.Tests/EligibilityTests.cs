using PatientExperience.Survey.Invitations;
using PatientExperience.Survey.Policy;

namespace PatientExperience.Survey.Tests;

public sealed class EligibilityTests
{
    private static readonly DateTimeOffset Now = SurveyApp.Start;
    private static readonly SurveyPolicy Policy = SurveyPolicy.Default("riverside");

    [Fact]
    public void An_adult_discharged_home_with_an_email_on_file_is_eligible() =>
        Assert.Null(Eligibility.IneligibleReason(Samples.Discharge(Now), Policy, Now, null));

    [Theory]
    [InlineData("under-18", IneligibleReasons.UnderAge)]
    [InlineData("", IneligibleReasons.AgeUnknown)]
    [InlineData("unknown", IneligibleReasons.AgeUnknown)]
    public void Minors_and_patients_of_unknown_age_are_not_surveyed(string band, string reason) =>
        Assert.Equal(reason, Eligibility.IneligibleReason(Samples.Discharge(Now) with { AgeBand = band }, Policy, Now, null));

    [Fact]
    public void A_patient_who_died_is_not_surveyed()
    {
        Assert.Equal(IneligibleReasons.Deceased, Eligibility.IneligibleReason(Samples.Discharge(Now) with { Deceased = true }, Policy, Now, null));
        Assert.Equal(IneligibleReasons.Deceased, Eligibility.IneligibleReason(Samples.Discharge(Now) with { Disposition = "exp" }, Policy, Now, null));
    }

    [Theory]
    [InlineData("hosp", IneligibleReasons.Hospice)]
    [InlineData("prison", IneligibleReasons.Custody)]
    [InlineData("law", IneligibleReasons.Custody)]
    [InlineData("21", IneligibleReasons.Custody)]
    public void Patients_discharged_to_hospice_or_custody_are_not_surveyed(string disposition, string reason) =>
        Assert.Equal(reason, Eligibility.IneligibleReason(Samples.Discharge(Now) with { Disposition = disposition }, Policy, Now, null));

    [Fact]
    public void A_no_publicity_flag_excludes_the_patient() =>
        Assert.Equal(IneligibleReasons.NoPublicity, Eligibility.IneligibleReason(Samples.Discharge(Now) with { NoPublicity = true }, Policy, Now, null));

    [Fact]
    public void A_letter_alone_cannot_carry_a_link()
    {
        Assert.Equal(IneligibleReasons.NoContactChannel, Eligibility.IneligibleReason(Samples.Discharge(Now) with { ContactChannels = ["letter"] }, Policy, Now, null));
        Assert.Equal(IneligibleReasons.NoContactChannel, Eligibility.IneligibleReason(Samples.Discharge(Now) with { ContactChannels = [] }, Policy, Now, null));
        Assert.Null(Eligibility.IneligibleReason(Samples.Discharge(Now) with { ContactChannels = ["sms"] }, Policy, Now, null));
    }

    [Fact]
    public void A_patient_invited_within_the_minimum_interval_is_not_invited_again()
    {
        var discharge = Samples.Discharge(Now);
        Assert.Equal(IneligibleReasons.RecentlySurveyed, Eligibility.IneligibleReason(discharge, Policy, Now, discharge.DischargedAt.AddDays(-89)));
        Assert.Null(Eligibility.IneligibleReason(discharge, Policy, Now, discharge.DischargedAt.AddDays(-91)));
    }

    [Fact]
    public void A_discharge_reported_after_its_response_window_would_have_ended_is_not_surveyed()
    {
        var late = Samples.Discharge(Now) with { DischargedAt = Now.AddDays(-45) };
        Assert.Equal(IneligibleReasons.WindowPassed, Eligibility.IneligibleReason(late, Policy, Now, null));
    }

    [Fact]
    public void With_a_sampling_rate_of_zero_nobody_is_invited() =>
        Assert.Equal(IneligibleReasons.NotSampled, Eligibility.IneligibleReason(Samples.Discharge(Now), Policy with { SamplingRate = 0 }, Now, null));
}

public sealed class SamplingTests
{
    [Fact]
    public void The_same_discharge_is_always_decided_the_same_way()
    {
        var id = Guid.NewGuid();
        Assert.Equal(Sampling.IsSampled(id, 0.5), Sampling.IsSampled(id, 0.5));
        Assert.Equal(Sampling.Fraction(id), Sampling.Fraction(id));
    }

    [Fact]
    public void About_the_rate_of_discharges_is_sampled()
    {
        var ids = Enumerable.Range(0, 10_000).Select(i => new Guid(i, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8)).ToList();
        var sampled = ids.Count(id => Sampling.IsSampled(id, 0.3));
        Assert.InRange(sampled, 2700, 3300);
        Assert.All(ids, id => Assert.InRange(Sampling.Fraction(id), 0, 0.9999999999));
    }

    [Fact]
    public void Rates_of_one_and_zero_take_all_and_none()
    {
        var id = Guid.NewGuid();
        Assert.True(Sampling.IsSampled(id, 1));
        Assert.False(Sampling.IsSampled(id, 0));
    }
}

public sealed class SurveyTokenTests
{
    [Fact]
    public void A_token_carries_256_random_bits_in_url_safe_text()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => SurveyToken.New()).ToList();
        Assert.All(tokens, t => Assert.True(SurveyToken.IsWellFormed(t)));
        Assert.All(tokens, t => Assert.Equal(43, t.Length));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Only_the_hash_is_looked_up_and_it_does_not_reveal_the_token()
    {
        var token = SurveyToken.New();
        var hash = SurveyToken.Hash(token);
        Assert.Equal(64, hash.Length);
        Assert.Equal(hash, SurveyToken.Hash(token));
        Assert.DoesNotContain(token, hash, StringComparison.Ordinal);
        Assert.NotEqual(hash, SurveyToken.Hash(SurveyToken.New()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Text_that_cannot_be_a_token_is_not_looked_up(string text) => Assert.False(SurveyToken.IsWellFormed(text));
}
