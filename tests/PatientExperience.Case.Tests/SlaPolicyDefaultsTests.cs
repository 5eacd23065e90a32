using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Sla;

namespace PatientExperience.Case.Tests;

/// <summary>
/// What the saga and the case lifecycle get from <see cref="ISlaPolicies"/> and <see cref="IDeadlineCalculator"/> before a
/// facility sets a policy: version 0, the default of its regulatory profile, in its time zone and holiday calendar.
/// </summary>
public sealed class SlaPolicyDefaultsTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ISlaPolicies Policies => app.Services.GetRequiredService<ISlaPolicies>();

    private IDeadlineCalculator Calculator => app.Services.GetRequiredService<IDeadlineCalculator>();

    private async Task<string> FacilityAsync(string profile, string timeZone = "America/Chicago", params DateOnly[] holidays)
    {
        var id = "sla-defaults-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await app.Services.GetRequiredService<DirectoryStore>().TryAddAsync(
            new Facility { Id = id, Name = id, HealthSystem = "Test", TimeZone = timeZone, RegulatoryProfile = profile, Holidays = holidays }, Ct));
        return id;
    }

    [Theory]
    [InlineData(RegulatoryProfiles.CmsHospital)]
    [InlineData(RegulatoryProfiles.CmsCriticalAccess)]
    public async Task Under_CMS_acknowledge_within_1_business_day_interim_notice_at_7_days_response_within_30_days(string profile)
    {
        var facility = await FacilityAsync(profile);

        var policy = await Policies.CurrentAsync(facility, Ct);

        Assert.Equal((facility, 0, "profile-default", profile), (policy.FacilityId, policy.Version, policy.Source, policy.RegulatoryProfile));
        Assert.All(Wire.Values<Severity>(), severity => Assert.Equal(
            new SlaDeadlines(SlaDuration.BusinessDays(1), SlaDuration.CalendarDays(7), SlaDuration.CalendarDays(30)),
            policy.For(severity)));
    }

    [Fact]
    public async Task Under_NHS_England_acknowledge_within_3_working_days_update_after_25_and_respond_within_6_months()
    {
        var facility = await FacilityAsync(RegulatoryProfiles.NhsEngland, "Europe/London");

        var policy = await Policies.CurrentAsync(facility, Ct);

        Assert.Equal(0, policy.Version);
        var deadlines = policy.For(Severity.Medium);
        Assert.Equal(SlaDuration.BusinessDays(3), deadlines.Acknowledge);
        Assert.Equal(SlaDuration.BusinessDays(25), deadlines.InterimNotice);
        Assert.Equal(SlaDuration.CalendarDays(180), deadlines.Response);
    }

    [Fact]
    public async Task The_demo_facilities_work_under_their_profiles()
    {
        Assert.Equal(RegulatoryProfiles.CmsHospital, (await Policies.CurrentAsync(Samples.Riverside, Ct)).RegulatoryProfile);
        Assert.Equal(RegulatoryProfiles.CmsHospital, (await Policies.CurrentAsync(Samples.Mesa, Ct)).RegulatoryProfile);
        Assert.Equal(SlaDuration.BusinessDays(3), (await Policies.CurrentAsync(Samples.StBrendans, Ct)).For(Severity.High).Acknowledge);
    }

    [Fact]
    public async Task Version_0_is_the_profile_default_and_an_unknown_version_is_not_found()
    {
        var facility = await FacilityAsync(RegulatoryProfiles.NhsEngland, "Europe/London");

        Assert.Equal(SlaDuration.BusinessDays(3), (await Policies.VersionAsync(facility, 0, Ct)).For(Severity.Low).Acknowledge);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Policies.VersionAsync(facility, 1, Ct));
    }

    [Fact]
    public async Task An_unknown_severity_is_refused_rather_than_guessed()
    {
        var policy = await Policies.CurrentAsync(Samples.Riverside, Ct);

        Assert.False(Wire.TryParse<Severity>("urgent", out _));
        Assert.Throws<ArgumentException>(() => policy.For((Severity)99));
    }

    [Fact]
    public async Task A_facility_the_directory_does_not_know_gets_the_default_profile_in_UTC()
    {
        var policy = await Policies.CurrentAsync("nowhere", Ct);

        Assert.Equal((0, RegulatoryProfiles.Default), (policy.Version, policy.RegulatoryProfile));
        var friday = new DateTimeOffset(2025, 3, 7, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero), await Calculator.DueAsync("nowhere", friday, SlaDuration.BusinessDays(1), Ct));
    }

    [Fact]
    public async Task Deadlines_are_computed_in_the_facilitys_time_zone_and_holiday_calendar()
    {
        var facility = await FacilityAsync(RegulatoryProfiles.CmsHospital, "America/Denver", new DateOnly(2025, 7, 4));
        var thursday = new DateTimeOffset(2025, 7, 3, 15, 0, 0, TimeSpan.FromHours(-6)); // 15:00 MDT

        var due = await Calculator.DueAsync(facility, thursday, SlaDuration.BusinessDays(1), Ct);

        // Friday 4 July is the facility's holiday: the business day after Thursday is Monday.
        Assert.Equal(new DateTimeOffset(2025, 7, 7, 15, 0, 0, TimeSpan.FromHours(-6)), due);
    }

    [Fact]
    public async Task The_demo_facilities_know_their_holidays()
    {
        var christmasEve = new DateTimeOffset(2025, 12, 24, 10, 0, 0, TimeSpan.Zero);

        // St Brendan's (London): Christmas Day and Boxing Day are bank holidays.
        Assert.Equal(new DateTimeOffset(2025, 12, 29, 10, 0, 0, TimeSpan.Zero), await Calculator.DueAsync(Samples.StBrendans, christmasEve, SlaDuration.BusinessDays(1), Ct));
        // Riverside (New York): Christmas Day only; 10:00 UTC is 05:00 EST.
        Assert.Equal(new DateTimeOffset(2025, 12, 26, 5, 0, 0, TimeSpan.FromHours(-5)), await Calculator.DueAsync(Samples.Riverside, christmasEve, SlaDuration.BusinessDays(1), Ct));
    }
}
