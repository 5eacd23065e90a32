using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Tests;

/// <summary>
/// <see cref="TriageRota.OnDutyAt"/>: weekly shifts on the facility's wall clock (New York here), overnight shifts that end the
/// next morning, the days clocks change, and dated covers that stand in for the week.
/// </summary>
public sealed class TriageRotaRulesTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static readonly Weekday[] Weekdays = [Weekday.Monday, Weekday.Tuesday, Weekday.Wednesday, Weekday.Thursday, Weekday.Friday];
    private static readonly Weekday[] EveryDay = [.. Weekdays, Weekday.Saturday, Weekday.Sunday];

    private static TriageShift Shift(string person, IReadOnlyList<Weekday> days, int start, int end) =>
        new() { Days = days, Start = new TimeOnly(start, 0), End = new TimeOnly(end, 0), People = [person] };

    /// <summary>Weekday days 07:00-19:00, weekend days 07:00-19:00 by someone else, every night 19:00-07:00.</summary>
    private static readonly TriageRota Week = new()
    {
        FacilityId = "f",
        Shifts = [Shift("day", Weekdays, 7, 19), Shift("weekend", [Weekday.Saturday, Weekday.Sunday], 7, 19), Shift("night", EveryDay, 19, 7)],
    };

    private static IReadOnlyList<string> OnDuty(TriageRota rota, string utc) => rota.OnDutyAt(DateTimeOffset.Parse(utc), NewYork);

    [Theory]
    [InlineData("2026-03-04T15:00:00Z", "day")] // Wednesday 10:00 EST
    [InlineData("2026-03-04T12:00:00Z", "day")] // 07:00: the start is on
    [InlineData("2026-03-04T11:59:00Z", "night")] // 06:59: Tuesday's night
    [InlineData("2026-03-05T00:00:00Z", "night")] // 19:00: the end is off, the night on
    [InlineData("2026-03-07T15:00:00Z", "weekend")] // Saturday 10:00
    public void A_day_shift_is_on_from_its_start_to_its_end_on_its_days_only(string utc, string expected) =>
        Assert.Equal([expected], OnDuty(Week, utc));

    [Theory]
    [InlineData("2026-03-06T23:00:00-05:00", true)] // Friday 23:00
    [InlineData("2026-03-07T05:59:00-05:00", true)] // Saturday 05:59: Friday's shift, after midnight
    [InlineData("2026-03-07T06:00:00-05:00", false)] // its end
    [InlineData("2026-03-07T23:00:00-05:00", false)] // Saturday night: not a day it starts on
    [InlineData("2026-03-05T23:00:00-05:00", false)] // Thursday night
    [InlineData("2026-03-06T05:00:00-05:00", false)] // Friday morning belongs to Thursday's night
    public void An_overnight_shift_runs_from_the_day_it_starts_on_across_midnight_into_the_next_morning(string at, bool on)
    {
        var fridayNights = new TriageRota { FacilityId = "f", Shifts = [Shift("night", [Weekday.Friday], 22, 6)] };
        Assert.Equal(on, OnDuty(fridayNights, at).Contains("night"));
    }

    [Theory]
    // Spring forward, Sunday 8 March 2026 (02:00 EST -> 03:00 EDT): the night is an hour shorter and ends at 07:00 EDT.
    [InlineData("2026-03-07T11:30:00Z", "night")] // Saturday 06:30 EST
    [InlineData("2026-03-08T07:30:00Z", "night")] // Sunday 03:30 EDT
    [InlineData("2026-03-08T10:59:00Z", "night")] // 06:59 EDT
    [InlineData("2026-03-08T11:00:00Z", "weekend")] // 07:00 EDT (on standard time it would still be night)
    [InlineData("2026-03-08T11:30:00Z", "weekend")]
    // Fall back, Sunday 1 November 2026 (02:00 EDT -> 01:00 EST): the night is an hour longer and ends at 07:00 EST.
    [InlineData("2026-10-31T11:30:00Z", "weekend")] // Saturday 07:30 EDT
    [InlineData("2026-11-01T05:30:00Z", "night")] // 01:30 EDT, the first time
    [InlineData("2026-11-01T06:30:00Z", "night")] // 01:30 EST, the second time
    [InlineData("2026-11-01T11:30:00Z", "night")] // 06:30 EST (on daylight time it would be day)
    [InlineData("2026-11-01T12:00:00Z", "weekend")] // 07:00 EST
    public void On_the_days_the_clocks_change_shifts_start_and_end_on_the_facilitys_wall_clock(string utc, string expected) =>
        Assert.Equal([expected], OnDuty(Week, utc));

    [Fact]
    public void A_shift_whose_end_is_its_start_lasts_twenty_four_hours()
    {
        var sundays = new TriageRota { FacilityId = "f", Shifts = [Shift("all-day", [Weekday.Sunday], 8, 8)] };
        Assert.Empty(OnDuty(sundays, "2026-03-08T07:59:00-04:00"));
        Assert.Equal(["all-day"], OnDuty(sundays, "2026-03-08T08:00:00-04:00"));
        Assert.Equal(["all-day"], OnDuty(sundays, "2026-03-09T07:59:00-04:00"));
        Assert.Empty(OnDuty(sundays, "2026-03-09T08:00:00-04:00"));
    }

    [Fact]
    public void A_dated_cover_stands_in_for_the_weekly_shifts_while_it_is_in_force_and_people_are_listed_once()
    {
        var rota = Week with
        {
            Covers =
            [
                new TriageCover { From = DateTimeOffset.Parse("2026-03-04T14:00:00Z"), To = DateTimeOffset.Parse("2026-03-04T18:00:00Z"), People = ["cover", "day"] },
                new TriageCover { From = DateTimeOffset.Parse("2026-03-04T16:00:00Z"), To = DateTimeOffset.Parse("2026-03-04T17:00:00Z"), People = ["day", "extra"] },
            ],
        };

        Assert.Equal(["day"], OnDuty(rota, "2026-03-04T13:59:00Z"));
        Assert.Equal(["cover", "day"], OnDuty(rota, "2026-03-04T14:00:00Z"));
        Assert.Equal(["cover", "day", "extra"], OnDuty(rota, "2026-03-04T16:30:00Z"));
        Assert.Equal(["day"], OnDuty(rota, "2026-03-04T18:00:00Z"));
    }

    [Fact]
    public void Nobody_is_on_duty_in_a_gap_between_shifts_or_on_an_empty_rota()
    {
        var withGap = new TriageRota { FacilityId = "f", Shifts = [Shift("day", EveryDay, 7, 19), Shift("night", EveryDay, 20, 7)] };
        Assert.Empty(OnDuty(withGap, "2026-03-05T00:30:00Z")); // Wednesday 19:30 EST
        Assert.Empty(OnDuty(TriageRota.Empty("f"), "2026-03-04T15:00:00Z"));
    }
}
