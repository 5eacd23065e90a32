using PatientExperience.Reporting.Projections;

namespace PatientExperience.Reporting.Tests;

public sealed class MeasuresTests
{
    [Fact]
    public void Measures_are_empty_only_when_every_count_is_zero_and_no_duration_is_held()
    {
        // A group is dropped from a day's totals when it is empty: a count IsEmpty forgot would drop a group that still counts.
        var counts = typeof(Measures).GetProperties().Where(p => p.PropertyType == typeof(long) && p.CanWrite).ToList();
        Assert.True(counts.Count >= 31);
        Assert.True(new Measures().IsEmpty);
        foreach (var count in counts)
        {
            var m = new Measures();
            count.SetValue(m, -1L);
            Assert.False(m.IsEmpty, count.Name);
        }

        Assert.False(new Measures { AcknowledgeSeconds = DurationHistogram.Of(60) }.IsEmpty);
        Assert.False(new Measures { ResolveSeconds = DurationHistogram.Of(60) }.IsEmpty);
    }

    [Fact]
    public void Replacing_an_entry_in_a_days_totals_gives_what_summing_the_entries_afresh_gives()
    {
        var a = new DayEntry { Version = 1, Measures = new Measures { CasesOpened = 1, ComplaintCases = 1 }, Category = "communication", Channel = "web", Severity = "high" };
        var b = new DayEntry { Version = 1, Measures = new Measures { CasesOpened = 1, Acknowledged = 1, AcknowledgeSeconds = DurationHistogram.Of(3600) }, Category = "care", Severity = "low" };
        var totals = DayTotals.Of([a, b]);

        // b moves away (a tombstone), a changes category.
        var bGone = new DayEntry { Version = 2 };
        var aMoved = new DayEntry { Version = 2, Measures = new Measures { CasesOpened = 1, ComplaintCases = 1, Resolved = 1 }, Category = "billing", Channel = "web", Severity = "high" };
        totals.Replace(b, bGone);
        totals.Replace(a, aMoved);

        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.JsonSerializer.SerializeToNode(DayTotals.Of([aMoved, bGone])), System.Text.Json.JsonSerializer.SerializeToNode(totals)));
        Assert.Equal(["billing"], totals.ByCategory.Keys);
        Assert.Equal(["web"], totals.ByChannel.Keys);
        Assert.Null(totals.All.AcknowledgeSeconds);
        Assert.Equal(1, totals.Subjects);
    }
}
