using Microsoft.Extensions.Time.Testing;
using PatientExperience.Case.Sla;
using PatientExperience.Storage.Sqlite;

namespace PatientExperience.Case.Tests;

/// <summary>How SLA policies are versioned and parsed, without HTTP (<see cref="SlaPolicyVersioning"/>, <see cref="SlaPolicyParser"/>).</summary>
public sealed class SlaPolicyRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static readonly SlaDeadlines Daily = new(SlaDuration.CalendarDays(1), SlaDuration.CalendarDays(7), SlaDuration.CalendarDays(30));

    private static readonly SlaDeadlines Hourly = new(SlaDuration.Calendar(TimeSpan.FromHours(1)), SlaDuration.CalendarDays(2), SlaDuration.CalendarDays(10));

    private static SlaPolicyDraft Draft(SlaDeadlines deadlines, IReadOnlyDictionary<Severity, SlaDeadlines>? severities = null) =>
        new(deadlines, severities ?? new Dictionary<Severity, SlaDeadlines>());

    private static SlaPolicyDocument Stored(int version, SlaDeadlines deadlines, IReadOnlyDictionary<Severity, SlaDeadlines>? severities = null) => new()
    {
        FacilityId = "riverside-general", Version = version, CreatedAt = Now.AddDays(-1), Deadlines = deadlines,
        Severities = severities ?? new Dictionary<Severity, SlaDeadlines>(),
    };

    [Fact]
    public void A_facilitys_first_policy_is_version_1_stamped_with_who_and_when()
    {
        var decision = SlaPolicyVersioning.Decide("riverside-general", null, null, Draft(Daily), Now, "pr-1");

        var added = Assert.IsType<SlaPolicyRevision.Added>(decision).Policy;
        Assert.Equal((1, Now, "pr-1"), (added.Version, added.CreatedAt, added.CreatedBy));
        Assert.Equal(Daily, added.Deadlines);
    }

    [Fact]
    public void A_change_adds_the_next_version_and_leaves_the_latest_as_it_was()
    {
        var latest = Stored(3, Daily);

        var decision = SlaPolicyVersioning.Decide("riverside-general", latest, null, Draft(Hourly), Now, "pr-1");

        Assert.Equal(4, Assert.IsType<SlaPolicyRevision.Added>(decision).Policy.Version);
        Assert.Equal(Daily, latest.Deadlines);
    }

    [Fact]
    public void Asking_for_the_policy_in_force_again_adds_no_version()
    {
        var overrides = new Dictionary<Severity, SlaDeadlines> { [Severity.Critical] = Hourly };
        var latest = Stored(2, Daily, overrides);

        var decision = SlaPolicyVersioning.Decide("riverside-general", latest, 2, Draft(Daily, new Dictionary<Severity, SlaDeadlines>(overrides)), Now, "pr-1");

        Assert.Same(latest, Assert.IsType<SlaPolicyRevision.Unchanged>(decision).Policy);
    }

    [Fact]
    public void A_different_override_for_one_severity_is_a_change()
    {
        var latest = Stored(2, Daily, new Dictionary<Severity, SlaDeadlines> { [Severity.Critical] = Hourly });

        var decision = SlaPolicyVersioning.Decide("riverside-general", latest, null, Draft(Daily, new Dictionary<Severity, SlaDeadlines> { [Severity.High] = Hourly }), Now, null);

        Assert.IsType<SlaPolicyRevision.Added>(decision);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_caller_who_read_another_version_is_refused_even_for_the_same_policy(long expected)
    {
        var decision = SlaPolicyVersioning.Decide("riverside-general", Stored(2, Daily), expected, Draft(Daily), Now, "pr-1");

        Assert.IsType<SlaPolicyRevision.Stale>(decision);
    }

    [Fact]
    public void Version_0_is_what_a_caller_read_before_the_facility_had_a_policy()
    {
        Assert.IsType<SlaPolicyRevision.Added>(SlaPolicyVersioning.Decide("riverside-general", null, 0, Draft(Daily), Now, "pr-1"));
        Assert.IsType<SlaPolicyRevision.Stale>(SlaPolicyVersioning.Decide("riverside-general", Stored(1, Daily), 0, Draft(Hourly), Now, "pr-1"));
    }

    [Fact]
    public async Task Stored_versions_are_only_ever_added_and_a_writer_who_named_an_old_one_changes_nothing()
    {
        using var documents = new SqliteDocumentStore("case-tests", null);
        var store = new SlaPolicyStore(documents);
        await documents.InitializeAsync(Ct);
        var clock = new FakeTimeProvider(Now);

        var first = await SlaPolicyVersioning.ReviseAsync(store, "mesa-valley", 0, Draft(Daily), clock, "pr-1", Ct);
        var second = await SlaPolicyVersioning.ReviseAsync(store, "mesa-valley", null, Draft(Hourly), clock, "pr-2", Ct);
        var stale = await SlaPolicyVersioning.ReviseAsync(store, "mesa-valley", 1, Draft(Daily), clock, "pr-1", Ct);
        var again = await SlaPolicyVersioning.ReviseAsync(store, "mesa-valley", null, Draft(Hourly), clock, "pr-2", Ct);

        Assert.Equal(1, first.InForce?.Version);
        Assert.Equal(2, second.InForce?.Version);
        Assert.IsType<SlaPolicyRevision.Stale>(stale);
        Assert.IsType<SlaPolicyRevision.Unchanged>(again);
        Assert.Equal(Daily, (await store.GetAsync("mesa-valley", 1, Ct))?.Deadlines);
        Assert.Equal(2, (await store.LatestAsync("mesa-valley", Ct))?.Version);
    }

    [Fact]
    public void A_policy_request_counts_days_as_it_says_and_a_severity_override_keeps_what_it_leaves_out()
    {
        var errors = new Dictionary<string, string[]>();

        var draft = SlaPolicyParser.Parse(new SlaPolicyRequest
        {
            Acknowledge = "P1D", InterimNotice = "P5D", Response = "P20D", Days = "business",
            Severities = new Dictionary<string, SlaSeverityRequest> { ["critical"] = new() { Acknowledge = "PT4H", Days = "calendar" } },
        }, errors);

        Assert.Empty(errors);
        Assert.NotNull(draft);
        Assert.Equal(SlaDuration.BusinessDays(1), draft.Deadlines.Acknowledge);
        Assert.Equal(new SlaDuration(TimeSpan.FromHours(4), SlaDays.Calendar), draft.Severities[Severity.Critical].Acknowledge);
        Assert.Equal(new SlaDuration(TimeSpan.FromDays(20), SlaDays.Calendar), draft.Severities[Severity.Critical].Response);
    }

    [Fact]
    public void A_policy_request_names_each_bad_field()
    {
        var errors = new Dictionary<string, string[]>();

        var draft = SlaPolicyParser.Parse(new SlaPolicyRequest
        {
            Acknowledge = "PT0S", InterimNotice = "soon", Days = "weekdays",
            Severities = new Dictionary<string, SlaSeverityRequest> { ["urgent"] = new() },
        }, errors);

        Assert.Null(draft);
        Assert.Equal(["days", "acknowledge", "interimNotice", "response", "severities.urgent"], errors.Keys);
    }
}
