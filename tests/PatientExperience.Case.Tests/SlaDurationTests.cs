using System.Text.Json;
using PatientExperience.Case.Sla;
using PatientExperience.ServiceDefaults.Time;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>ISO 8601 durations as policies take them, and how a duration is written in messages and the store.</summary>
public sealed class SlaDurationTests
{
    [Theory]
    [InlineData("P1D", 86_400)]
    [InlineData("PT5S", 5)]
    [InlineData("PT30S", 30)]
    [InlineData("PT8H", 28_800)]
    [InlineData("P1DT12H", 129_600)]
    [InlineData("P7D", 604_800)]
    [InlineData("P2W", 1_209_600)]
    [InlineData("PT1M30S", 90)]
    [InlineData("P1M", 2_592_000)] // a month is 30 days
    [InlineData("P1Y", 31_536_000)] // a year is 365 days
    public void Positive_ISO_8601_durations_parse(string text, int seconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void Fractions_of_seconds_parse()
    {
        Assert.True(IsoDuration.TryParse("PT0.5S", out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(500), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("1D")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1.5D")]
    [InlineData("5 seconds")]
    [InlineData("00:00:05")]
    [InlineData(" P1D")]
    [InlineData("PW")]
    public void Malformed_durations_do_not_parse(string text) => Assert.False(IsoDuration.TryParse(text, out _));

    [Fact]
    public void Zero_and_negative_durations_parse_but_are_not_SLA_durations()
    {
        Assert.True(IsoDuration.TryParse("P0D", out var zero));
        Assert.True(IsoDuration.TryParse("-P1D", out var negative));

        Assert.Throws<ArgumentOutOfRangeException>(() => SlaDuration.Calendar(zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlaDuration.Calendar(negative));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlaDuration.Business(SlaDuration.Max + TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(86_400, "P1D")]
    [InlineData(5, "PT5S")]
    [InlineData(129_600, "P1DT12H")]
    [InlineData(3_690, "PT1H1M30S")]
    public void Durations_are_written_back_in_ISO_8601(int seconds, string iso) =>
        Assert.Equal(iso, IsoDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_duration_round_trips_through_the_store_and_message_json_with_its_counting_as_a_word()
    {
        var deadlines = new SlaDeadlines(SlaDuration.BusinessDays(1), SlaDuration.CalendarDays(7), SlaDuration.Calendar(TimeSpan.FromSeconds(60)));

        foreach (var options in new[] { StoreJson.Options, JsonSerializerOptions.Web })
        {
            var json = JsonSerializer.Serialize(deadlines, options);
            Assert.Contains("\"business\"", json, StringComparison.Ordinal);
            Assert.Contains("\"calendar\"", json, StringComparison.Ordinal);
            Assert.Equal(deadlines, JsonSerializer.Deserialize<SlaDeadlines>(json, options));
        }
    }

    [Fact]
    public void A_duration_says_what_it_is()
    {
        Assert.Equal("P1D business", SlaDuration.BusinessDays(1).ToString());
        Assert.Equal("PT5S calendar", SlaDuration.Calendar(TimeSpan.FromSeconds(5)).ToString());
    }
}
