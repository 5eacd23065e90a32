using PatientExperience.Case.Sla;

namespace PatientExperience.Case.Tests;

/// <summary>
/// Deadline arithmetic of <see cref="BusinessCalendar"/>: business days across weekends and holidays, the facility's time
/// zone, and daylight-saving changes in America/New_York (9 March and 2 November 2025) and Europe/London (30 March and
/// 26 October 2025).
/// </summary>
public sealed class BusinessCalendarTests
{
    private static readonly TimeSpan Est = TimeSpan.FromHours(-5);
    private static readonly TimeSpan Edt = TimeSpan.FromHours(-4);
    private static readonly TimeSpan Gmt = TimeSpan.Zero;
    private static readonly TimeSpan Bst = TimeSpan.FromHours(1);

    private static BusinessCalendar NewYork(params string[] holidays) => Calendar("America/New_York", holidays);

    private static BusinessCalendar London(params string[] holidays) => Calendar("Europe/London", holidays);

    private static BusinessCalendar Calendar(string zone, string[] holidays) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(zone), holidays.Select(h => DateOnly.Parse(h, System.Globalization.CultureInfo.InvariantCulture)));

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute, TimeSpan offset) => new(year, month, day, hour, minute, 0, offset);

    // Business days

    [Fact]
    public void One_business_day_from_Friday_afternoon_is_Monday_afternoon_at_the_same_local_time_across_the_spring_change()
    {
        var from = At(2025, 3, 7, 16, 0, Est); // Friday; clocks go forward on Sunday 9 March

        var due = NewYork().Add(from, SlaDuration.BusinessDays(1));

        Assert.Equal(At(2025, 3, 10, 16, 0, Edt), due);
        Assert.Equal(Edt, due.Offset);
        Assert.Equal(TimeSpan.FromHours(71), due - from);
    }

    [Fact]
    public void A_clock_started_on_a_weekend_starts_at_midnight_of_the_next_business_day()
    {
        var saturday = At(2025, 3, 8, 10, 0, Est);

        Assert.Equal(At(2025, 3, 11, 0, 0, Edt), NewYork().Add(saturday, SlaDuration.BusinessDays(1)));
        Assert.Equal(At(2025, 3, 10, 1, 0, Edt), NewYork().Add(At(2025, 3, 9, 23, 0, Edt), SlaDuration.Business(TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Business_hours_pause_over_the_weekend()
    {
        var fridayEvening = At(2025, 3, 7, 20, 0, Est);

        // Four hours run on Friday, the fifth on Monday.
        Assert.Equal(At(2025, 3, 10, 1, 0, Edt), NewYork().Add(fridayEvening, SlaDuration.Business(TimeSpan.FromHours(5))));
    }

    [Fact]
    public void A_deadline_at_the_very_end_of_the_last_business_day_before_a_weekend_rolls_to_the_next_business_day()
    {
        var fridayEvening = At(2025, 3, 7, 20, 0, Est);

        Assert.Equal(At(2025, 3, 10, 0, 0, Edt), NewYork().Add(fridayEvening, SlaDuration.Business(TimeSpan.FromHours(4))));
        Assert.Equal(At(2025, 3, 10, 0, 0, Edt), NewYork().Add(At(2025, 3, 7, 0, 0, Est), SlaDuration.Business(TimeSpan.FromHours(24))));
        Assert.Equal(At(2025, 3, 10, 0, 0, Edt), NewYork().Add(At(2025, 3, 7, 0, 0, Est), SlaDuration.BusinessDays(1)));
    }

    [Fact]
    public void A_deadline_within_the_business_day_stays_there()
    {
        var tuesday = At(2025, 3, 11, 9, 0, Edt);

        Assert.Equal(At(2025, 3, 11, 9, 0, 5, Edt), NewYork().Add(tuesday, SlaDuration.Business(TimeSpan.FromSeconds(5))));
        Assert.Equal(At(2025, 3, 12, 21, 0, Edt), NewYork().Add(tuesday, SlaDuration.Business(TimeSpan.FromHours(36))));
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute, int second, TimeSpan offset) => new(year, month, day, hour, minute, second, offset);

    [Fact]
    public void Holidays_are_skipped_like_weekends()
    {
        var christmasEve = At(2025, 12, 24, 10, 0, Est);

        Assert.Equal(At(2025, 12, 26, 10, 0, Est), NewYork("2025-12-25").Add(christmasEve, SlaDuration.BusinessDays(1)));
        Assert.Equal(At(2025, 12, 29, 10, 0, Est), NewYork("2025-12-25", "2025-12-26").Add(christmasEve, SlaDuration.BusinessDays(1)));
        // A clock started on a holiday starts on the next business day.
        Assert.Equal(At(2025, 12, 26, 2, 0, Est), NewYork("2025-12-25").Add(At(2025, 12, 25, 9, 0, Est), SlaDuration.Business(TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Ten_business_days_over_christmas_and_new_year()
    {
        var calendar = NewYork("2025-12-25", "2026-01-01");

        // 23, 24, 26, 29, 30, 31 December, 2, 5, 6, 7 January.
        Assert.Equal(At(2026, 1, 7, 11, 15, Est), calendar.Add(At(2025, 12, 22, 11, 15, Est), SlaDuration.BusinessDays(10)));
    }

    [Fact]
    public void Three_working_days_over_the_Easter_bank_holidays_in_London()
    {
        var calendar = London("2025-04-18", "2025-04-21");

        // Maundy Thursday: Good Friday, the weekend and Easter Monday do not count; Tuesday, Wednesday, Thursday do.
        Assert.Equal(At(2025, 4, 24, 9, 0, Bst), calendar.Add(At(2025, 4, 17, 9, 0, Bst), SlaDuration.BusinessDays(3)));
    }

    [Fact]
    public void Business_days_across_the_London_spring_and_autumn_changes_keep_the_local_time()
    {
        Assert.Equal(At(2025, 3, 31, 15, 0, Bst), London().Add(At(2025, 3, 28, 15, 0, Gmt), SlaDuration.BusinessDays(1)));
        Assert.Equal(At(2025, 10, 27, 15, 0, Gmt), London().Add(At(2025, 10, 24, 15, 0, Bst), SlaDuration.BusinessDays(1)));
    }

    [Fact]
    public void Business_days_across_the_New_York_autumn_change_keep_the_local_time()
    {
        var due = NewYork().Add(At(2025, 10, 31, 9, 0, Edt), SlaDuration.BusinessDays(1));

        Assert.Equal(At(2025, 11, 3, 9, 0, Est), due);
        Assert.Equal(TimeSpan.FromHours(73), due - At(2025, 10, 31, 9, 0, Edt));
    }

    [Fact]
    public void The_same_instant_is_a_weekday_in_New_York_and_already_Saturday_in_Tokyo()
    {
        var instant = new DateTimeOffset(2025, 3, 7, 21, 30, 0, TimeSpan.Zero); // Friday 16:30 in New York, Saturday 06:30 in Tokyo
        var oneHour = SlaDuration.Business(TimeSpan.FromHours(1));

        Assert.Equal(At(2025, 3, 7, 17, 30, Est), NewYork().Add(instant, oneHour));
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 1, 0, 0, TimeSpan.FromHours(9)), Calendar("Asia/Tokyo", []).Add(instant, oneHour));
    }

    [Fact]
    public void A_business_day_is_a_weekday_that_is_not_a_holiday()
    {
        var calendar = NewYork("2025-07-04");

        Assert.True(calendar.IsBusinessDay(new DateOnly(2025, 7, 3)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2025, 7, 4)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2025, 7, 5)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2025, 7, 6)));
        Assert.Equal(new DateOnly(2025, 7, 7), calendar.NextBusinessDay(new DateOnly(2025, 7, 3)));
    }

    // Calendar days

    [Fact]
    public void The_CMS_interim_notice_and_response_fall_7_and_30_calendar_days_later_at_the_same_local_time()
    {
        var from = At(2025, 1, 10, 9, 0, Est); // a Friday: weekends count

        Assert.Equal(At(2025, 1, 17, 9, 0, Est), NewYork().Add(from, SlaDuration.CalendarDays(7)));
        Assert.Equal(At(2025, 2, 9, 9, 0, Est), NewYork().Add(from, SlaDuration.CalendarDays(30)));
    }

    [Fact]
    public void A_calendar_day_across_the_New_York_spring_change_is_23_hours_and_hours_short_of_a_day_are_elapsed_time()
    {
        var saturday = At(2025, 3, 8, 12, 0, Est);

        Assert.Equal(At(2025, 3, 9, 12, 0, Edt), NewYork().Add(saturday, SlaDuration.CalendarDays(1)));
        Assert.Equal(TimeSpan.FromHours(23), NewYork().Add(saturday, SlaDuration.CalendarDays(1)) - saturday);
        // A duration is a length of time: whole 24 hours count as a day (PT24H is P1D), the rest is elapsed time.
        Assert.Equal(At(2025, 3, 9, 12, 0, Edt), NewYork().Add(saturday, SlaDuration.Calendar(TimeSpan.FromHours(24))));
        Assert.Equal(At(2025, 3, 9, 12, 0, Edt), NewYork().Add(saturday, SlaDuration.Calendar(TimeSpan.FromHours(23))));
        Assert.Equal(At(2025, 3, 9, 4, 0, Edt), NewYork().Add(saturday, SlaDuration.Calendar(TimeSpan.FromHours(15))));
    }

    [Fact]
    public void A_calendar_day_across_the_New_York_autumn_change_is_25_hours()
    {
        var saturday = At(2025, 11, 1, 12, 0, Edt);

        Assert.Equal(At(2025, 11, 2, 12, 0, Est), NewYork().Add(saturday, SlaDuration.CalendarDays(1)));
        Assert.Equal(TimeSpan.FromHours(25), NewYork().Add(saturday, SlaDuration.CalendarDays(1)) - saturday);
    }

    [Fact]
    public void Calendar_days_across_the_London_changes_keep_the_local_time()
    {
        Assert.Equal(At(2025, 3, 30, 12, 0, Bst), London().Add(At(2025, 3, 29, 12, 0, Gmt), SlaDuration.CalendarDays(1)));
        Assert.Equal(At(2025, 10, 26, 12, 0, Gmt), London().Add(At(2025, 10, 25, 12, 0, Bst), SlaDuration.CalendarDays(1)));
        Assert.Equal(At(2025, 4, 5, 8, 30, Bst), London().Add(At(2025, 3, 29, 8, 30, Gmt), SlaDuration.CalendarDays(7)));
    }

    [Fact]
    public void A_local_time_skipped_by_the_spring_change_moves_forward_by_the_gap()
    {
        var due = NewYork().Add(At(2025, 3, 8, 2, 30, Est), SlaDuration.CalendarDays(1));

        Assert.Equal(At(2025, 3, 9, 3, 30, Edt), due);
    }

    [Fact]
    public void A_local_time_repeated_by_the_autumn_change_means_its_first_occurrence()
    {
        var due = NewYork().Add(At(2025, 11, 1, 1, 30, Edt), SlaDuration.CalendarDays(1));

        Assert.Equal(At(2025, 11, 2, 1, 30, Edt), due);
        Assert.Equal(Edt, due.Offset);
    }

    [Fact]
    public void Seconds_are_elapsed_time_in_either_counting()
    {
        var saturdayNight = At(2025, 3, 8, 23, 59, Est);

        Assert.Equal(saturdayNight.AddSeconds(30), NewYork().Add(saturdayNight, SlaDuration.Calendar(TimeSpan.FromSeconds(30))));
        Assert.Equal(At(2025, 3, 10, 0, 0, 30, Edt), NewYork().Add(saturdayNight, SlaDuration.Business(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public void The_deadline_is_given_in_the_facilitys_offset()
    {
        var due = London().Add(new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero), SlaDuration.CalendarDays(1));

        Assert.Equal(Bst, due.Offset);
        Assert.Equal(new DateTimeOffset(2025, 6, 3, 9, 0, 0, Bst), due);
    }

    [Fact]
    public void Utc_has_no_holidays_and_no_daylight_saving()
    {
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero),
            BusinessCalendar.Utc.Add(new DateTimeOffset(2025, 3, 7, 12, 0, 0, TimeSpan.Zero), SlaDuration.BusinessDays(1)));
        Assert.False(BusinessCalendar.TryCreate("Not/AZone", [], out _));
        Assert.True(BusinessCalendar.TryCreate("Europe/London", [], out var london));
        Assert.Equal("Europe/London", london.TimeZone.Id);
    }
}
