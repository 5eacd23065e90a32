using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case;
using PatientExperience.Reporting.Governance;
using PatientExperience.Reporting.Improvement;
using PatientExperience.Testing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;
using static PatientExperience.Contracts.Vocabulary.ImprovementActionStatus;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// The governance pack of a known month (<see cref="MarchHistory"/>): the PDF opened with PdfReader and the HTML parsed, each
/// with its sections, numbers and charts and no person's details; scope; the schedule on the first working day in the
/// facility's time zone, once per facility and month.
/// </summary>
public sealed class GovernancePackTests
{
    private static readonly XNamespace Html = "http://www.w3.org/1999/xhtml";

    private static readonly string[] Sections =
        ["Volumes and rates", "Themes", "Timeliness against the facility's clocks", "Escalations", "Overdue grievances", "Survey trends", "Signals", "Improvement actions"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyDictionary<string, string?> Paused => new Dictionary<string, string?> { ["Reporting:GovernancePacks:Paused"] = "true" };

    [Fact]
    public async Task The_pdf_pack_has_a_bookmark_per_section_its_numbers_and_a_chart_in_four_of_them()
    {
        await using var app = ReportingApp.Create(settings: Paused);
        await app.PublishAndAwaitAsync(MarchHistory.Events());
        using var analyst = app.ClientFor("analyst", MarchHistory.Riverside);

        using var response = await analyst.GetAsync("/api/v1/reports/governance-pack?facilityId=riverside&month=2026-03&format=pdf", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var pdf = PdfReader.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct)), PdfDocumentOpenMode.Import);
        Assert.Equal("Patient experience governance pack: riverside, 2026-03", pdf.Info.Title);
        Assert.Equal(Sections, pdf.Outlines.Select(o => o.Title));
        var images = pdf.Pages.Cast<PdfPage>().Sum(p => p.Resources.Elements.GetDictionary("/XObject")?.Elements.Count ?? 0);
        Assert.Equal(4, images); // categories, SLA compliance, escalations, NPS

        var text = string.Join("\n", pdf.Pages.Cast<PdfPage>().SelectMany(p => Strings(ContentReader.ReadContent(p))));
        Assert.Contains("Cases opened", text);
        Assert.Contains("Overdue grievances", text);
        Assert.DoesNotContain("A. Head", text); // a recipient named on an escalation event: staff, but no business of the pack
        Assert.DoesNotContain("head@riverside.test", text);
    }

    private static IEnumerable<string> Strings(CObject content) => content switch
    {
        CSequence sequence => sequence.SelectMany(Strings),
        COperator op => op.Operands.SelectMany(Strings),
        CString s => [s.Value],
        _ => [],
    };

    [Fact]
    public async Task The_html_pack_has_every_section_with_the_months_numbers_against_the_previous_month_and_embedded_charts()
    {
        await using var app = ReportingApp.Create(settings: Paused);
        await app.PublishAndAwaitAsync(MarchHistory.Events());
        using var analyst = app.ClientFor("analyst", MarchHistory.Riverside);

        using var response = await analyst.GetAsync("/api/v1/reports/governance-pack?facilityId=riverside&month=2026-03&format=html", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var page = Parse(html);
        var sections = page.Descendants(Html + "section").ToList();
        Assert.Equal(["volumes", "themes", "timeliness", "escalations", "overdue-grievances", "survey-trends", "signals", "improvement-actions"], sections.Select(s => (string?)s.Attribute("id")));
        Assert.Equal(Sections, sections.Select(s => s.Element(Html + "h2")!.Value));

        // March: 7 submissions (February 1), 5 cases opened (February: C5), 40 discharges (February 10).
        var volumes = Rows(sections[0]);
        Assert.Equal(["Feedback received", "7", "1"], volumes["Feedback received"]);
        Assert.Equal(["Cases opened", "5", "1"], volumes["Cases opened"]);
        Assert.Equal(["Discharges", "40", "10"], volumes["Discharges"]);
        // Top categories: communication 2 (C1, C6), then care (C2), safety (C3) and unspecified (C4) 1 each; February: care (C5).
        Assert.Equal(["communication", "2", "0"], Rows(sections[1])["communication"]);
        Assert.Equal(["care", "1", "1"], Rows(sections[1])["care"]);
        // One department and one executive escalation in March.
        Assert.Equal(["Department", "1", "0"], Rows(sections[3])["Department"]);
        Assert.Equal(["Executive", "1", "0"], Rows(sections[3])["Executive"]);
        // C5, a grievance opened 20 February, open at the end of March, not past a response deadline; C2 was resolved.
        Assert.Equal(["over-30d", "1", "0"], Rows(sections[4])["over-30d"]);
        // Surveys: 8 NPS answers in March (4 promoters, 2 detractors: 25), 8 of 10 invitations answered.
        Assert.Equal(["2026-03", "80%", "8", "25", Rows(sections[5])["2026-03"][4], "yes"], Rows(sections[5])["2026-03"]);

        var charts = page.Descendants(Html + "img").Select(i => (string)i.Attribute("src")!).ToList();
        Assert.Equal(4, charts.Count);
        Assert.All(charts, src => Assert.StartsWith("data:image/png;base64,iVBORw0KGgo", src));
        Assert.DoesNotContain("A. Head", html);
        Assert.DoesNotContain("head@riverside.test", html);
    }

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    /// <summary>A section's table rows by their first cell (the first table holding that label wins).</summary>
    private static Dictionary<string, IReadOnlyList<string>> Rows(XElement section)
    {
        var rows = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var tr in section.Descendants(Html + "tbody").Elements(Html + "tr"))
        {
            var cells = tr.Elements(Html + "td").Select(td => td.Value.Trim()).ToList();
            rows.TryAdd(cells[0], cells);
        }

        return rows;
    }

    private static ImprovementActionProposed Proposal(string id, string facility, string department, string theme, DateOnly due, DateTimeOffset at) => new()
    {
        ActionId = Guid.Parse(id), FacilityId = facility, DepartmentId = department, Theme = theme, OwnerId = "rv-head-of-" + department, DueDate = due,
        ProposedBy = "rv-patient-relations", ProposedAt = at,
    };

    private static ImprovementActionStatusChanged Moved(ImprovementActionProposed p, Contracts.Vocabulary.ImprovementActionStatus to, int sequence, DateTimeOffset at) => new()
    {
        ActionId = p.ActionId, FacilityId = p.FacilityId, DepartmentId = p.DepartmentId, Theme = p.Theme, DueDate = p.DueDate,
        From = (Contracts.Vocabulary.ImprovementActionStatus)((int)to - 1), To = to, Sequence = sequence, ChangedBy = p.OwnerId, ChangedAt = at,
    };

    private static DateTimeOffset On(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_pack_lists_the_facilitys_improvement_actions_as_they_stood_at_the_end_of_the_month_with_overdue_flags_in_html_and_pdf()
    {
        // The pack is asked for on 1 April, 12:00 UTC: March's actions as they stood at midnight.
        var late = Proposal("aaaaaaaa-0000-0000-0000-000000000001", MarchHistory.Riverside, "emergency", "wait-times", new DateOnly(2026, 3, 20), On(2, 10));
        var notDue = Proposal("bbbbbbbb-0000-0000-0000-000000000002", MarchHistory.Riverside, "emergency", "wait-times", new DateOnly(2026, 4, 30), On(3, 5));
        var awaiting = Proposal("cccccccc-0000-0000-0000-000000000003", MarchHistory.Riverside, "medicine", "communication", new DateOnly(2026, 3, 31), On(2, 1));
        var verified = Proposal("dddddddd-0000-0000-0000-000000000004", MarchHistory.Riverside, "medicine", "billing", new DateOnly(2026, 3, 15), On(2, 1));
        var verifiedInFebruary = Proposal("eeeeeeee-0000-0000-0000-000000000005", MarchHistory.Riverside, "surgery", "environment", new DateOnly(2026, 2, 1), On(1, 5));
        var doneAfterTheMonth = Proposal("12345678-0000-0000-0000-000000000006", MarchHistory.Riverside, "medicine", "communication", new DateOnly(2026, 3, 10), On(2, 1));
        var proposedAfterTheMonth = Proposal("87654321-0000-0000-0000-000000000007", MarchHistory.Riverside, "emergency", "care", new DateOnly(2026, 4, 20), On(4, 1));
        var hillcrest = Proposal("ffffffff-0000-0000-0000-000000000008", MarchHistory.Hillcrest, "hillcrest-kitchens", "food", new DateOnly(2026, 3, 1), On(2, 1));

        await using var app = ReportingApp.Create(settings: Paused);
        await app.PublishAndAwaitAsync(
        [
            // Out of order (a change before its proposal) and duplicated.
            Moved(late, InProgress, 1, On(3, 1)), late, notDue,
            awaiting, Moved(awaiting, InProgress, 1, On(2, 5)), Moved(awaiting, Done, 2, On(3, 25)),
            verified, Moved(verified, InProgress, 1, On(2, 2)), Moved(verified, Done, 2, On(3, 10)), Moved(verified, Verified, 3, On(3, 28)), Moved(verified, Verified, 3, On(3, 28)),
            verifiedInFebruary, Moved(verifiedInFebruary, InProgress, 1, On(1, 6)), Moved(verifiedInFebruary, Done, 2, On(1, 20)), Moved(verifiedInFebruary, Verified, 3, On(2, 20)),
            doneAfterTheMonth, Moved(doneAfterTheMonth, InProgress, 1, On(2, 3)), Moved(doneAfterTheMonth, Done, 2, On(4, 1, 10)),
            proposedAfterTheMonth, hillcrest, Moved(hillcrest, InProgress, 1, On(2, 2)),
        ]);
        using var analyst = app.ClientFor("analyst", MarchHistory.Riverside);

        var html = await analyst.GetStringAsync("/api/v1/reports/governance-pack?facilityId=riverside&month=2026-03&format=html", Ct);
        var section = Parse(html).Descendants(Html + "section").Single(s => (string?)s.Attribute("id") == "improvement-actions");
        Assert.Equal("Improvement actions", section.Element(Html + "h2")!.Value);
        var rows = Rows(section);
        Assert.Equal(["Open", "3"], rows["Open"]);
        Assert.Equal(["of which overdue", "2"], rows["of which overdue"]);
        Assert.Equal(["Done, awaiting verification", "1"], rows["Done, awaiting verification"]);
        Assert.Equal(["Verified in the month", "1"], rows["Verified in the month"]);
        // Per theme: open, overdue, awaiting verification, verified in the month.
        Assert.Equal(["wait-times", "2", "1", "0", "0"], rows["wait-times"]);
        Assert.Equal(["communication", "1", "1", "1", "0"], rows["communication"]);
        Assert.Equal(["billing", "0", "0", "0", "1"], rows["billing"]);
        // Open actions soonest due first; the one done on 1 April was still open, and overdue, at the end of March.
        var openTable = section.Descendants(Html + "table").ElementAt(2);
        Assert.Equal(["12345678", "aaaaaaaa", "bbbbbbbb"], openTable.Descendants(Html + "tbody").Elements(Html + "tr").Select(tr => tr.Elements(Html + "td").First().Value));
        Assert.Equal(["12345678", "communication", "medicine", "in-progress", "2026-03-10", "yes"], rows["12345678"]);
        Assert.Equal(["aaaaaaaa", "wait-times", "emergency", "in-progress", "2026-03-20", "yes"], rows["aaaaaaaa"]);
        Assert.Equal(["bbbbbbbb", "wait-times", "emergency", "proposed", "2026-04-30", "no"], rows["bbbbbbbb"]);
        Assert.Equal(["cccccccc", "communication", "medicine", "2026-03-31", "2026-03-25"], rows["cccccccc"]);
        Assert.Equal(["dddddddd", "billing", "medicine", "2026-03-15", "2026-03-28"], rows["dddddddd"]);
        // Verified before the month, proposed after it, another facility's: not in the pack.
        foreach (var absent in new[] { "eeeeeeee", "environment", "87654321", "ffffffff", "hillcrest-kitchens", "food" }) Assert.DoesNotContain(absent, section.Value);

        using var response = await analyst.GetAsync("/api/v1/reports/governance-pack?facilityId=riverside&month=2026-03&format=pdf", Ct);
        using var pdf = PdfReader.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct)), PdfDocumentOpenMode.Import);
        Assert.Equal("Improvement actions", pdf.Outlines.Last().Title);
        var text = string.Join("\n", pdf.Pages.Cast<PdfPage>().SelectMany(p => Strings(ContentReader.ReadContent(p))));
        var fromSection = text[text.LastIndexOf("Improvement actions", StringComparison.Ordinal)..];
        foreach (var present in new[] { "Done, awaiting verification", "12345678", "aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd", "wait-times", "2026-03-20" }) Assert.Contains(present, fromSection);
        foreach (var absent in new[] { "eeeeeeee", "87654321", "ffffffff", "hillcrest-kitchens" }) Assert.DoesNotContain(absent, text);

        // Hillcrest's own pack shows its action and none of Riverside's.
        using var hillcrestAnalyst = app.ClientFor("analyst", MarchHistory.Hillcrest);
        var theirs = Parse(await hillcrestAnalyst.GetStringAsync("/api/v1/reports/governance-pack?facilityId=hillcrest&month=2026-03&format=html", Ct))
            .Descendants(Html + "section").Single(s => (string?)s.Attribute("id") == "improvement-actions");
        Assert.Equal(["ffffffff", "food", "hillcrest-kitchens", "in-progress", "2026-03-01", "yes"], Rows(theirs)["ffffffff"]);
        foreach (var absent in new[] { "aaaaaaaa", "12345678", "wait-times" }) Assert.DoesNotContain(absent, theirs.Value);
    }

    [Fact]
    public async Task A_facility_analyst_cannot_read_another_facilitys_pack_produced_or_stored_and_bad_input_is_a_problem()
    {
        await using var app = ReportingApp.Create(settings: Paused);
        await app.PublishAndAwaitAsync(MarchHistory.Events());
        var stored = await app.Services.GetRequiredService<GovernancePacks>().GenerateDueAsync(Ct);
        Assert.Contains("2026-03-riverside", stored);
        using var hillcrest = app.ClientFor("analyst", MarchHistory.Hillcrest);

        async Task Problem(HttpClient client, string path, HttpStatusCode status)
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await Problem(hillcrest, "/api/v1/reports/governance-pack?facilityId=riverside&month=2026-03", HttpStatusCode.Forbidden);
        await Problem(hillcrest, "/api/v1/reports/governance-packs/2026-03-riverside", HttpStatusCode.Forbidden);
        await Problem(hillcrest, "/api/v1/reports/governance-packs?facilityId=riverside", HttpStatusCode.Forbidden);
        await Problem(hillcrest, "/api/v1/reports/governance-packs/2026-03-nowhere", HttpStatusCode.NotFound);
        await Problem(hillcrest, "/api/v1/reports/governance-pack?facilityId=hillcrest&month=2026-3", HttpStatusCode.BadRequest);
        await Problem(hillcrest, "/api/v1/reports/governance-pack?facilityId=hillcrest&month=2026-05", HttpStatusCode.BadRequest); // not begun
        await Problem(hillcrest, "/api/v1/reports/governance-pack?month=2026-03", HttpStatusCode.BadRequest);
        await Problem(hillcrest, "/api/v1/reports/governance-pack?facilityId=hillcrest&month=2026-03&format=docx", HttpStatusCode.BadRequest);
        using var advocate = app.ClientFor("advocate", MarchHistory.Hillcrest);
        await Problem(advocate, "/api/v1/reports/governance-pack?facilityId=hillcrest&month=2026-03", HttpStatusCode.Forbidden);

        // Without a facility, the list holds the caller's facilities only.
        var own = await hillcrest.GetFromJsonAsync<JsonElement>("/api/v1/reports/governance-packs", Ct);
        Assert.Equal(["2026-03-hillcrest"], own.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Packs_are_generated_once_per_facility_and_month_from_the_first_working_day_in_the_facilitys_time_zone()
    {
        // Sunday 1 March 2026, 12:00 UTC: February's activity is known; Riverside is in New York, Hillcrest in UTC.
        await using var app = ReportingApp.Create(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), new Dictionary<string, string?>
        {
            ["Reporting:GovernancePacks:Paused"] = "true",
            ["Reporting:GovernancePacks:TimeZones:riverside"] = "America/New_York",
        });
        await app.PublishAndAwaitAsync(MarchHistory.Events().Where(e => e is not Contracts.Case.CaseOpened { FacilityId: "hillcrest" }));
        await app.PublishAndAwaitAsync([new Contracts.Case.CaseOpened
        {
            CaseId = Guid.NewGuid(), CaseNumber = "H-1", SubmissionId = Guid.NewGuid(), FacilityId = MarchHistory.Hillcrest, DepartmentId = "emergency", UnitId = "ed",
            Channel = Contracts.Vocabulary.FeedbackChannel.Web, Status = Contracts.Vocabulary.CaseStatus.New, OpenedAt = new DateTimeOffset(2026, 2, 10, 9, 0, 0, TimeSpan.Zero),
        }]);
        var packs = app.Services.GetRequiredService<GovernancePacks>();

        // A Sunday is no working day anywhere.
        Assert.Empty(await packs.GenerateDueAsync(Ct));

        // Monday 2 March 02:00 UTC: a working day in UTC (Hillcrest's February is due), still Sunday evening in New York.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero));
        Assert.Equal(["2026-02-hillcrest"], await packs.GenerateDueAsync(Ct));

        // Monday 2 March 05:00 UTC is midnight in New York: Riverside's February is due; nothing is stored twice, however often asked.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 5, 0, 0, TimeSpan.Zero));
        var concurrently = await Task.WhenAll(packs.GenerateDueAsync(Ct), packs.GenerateDueAsync(Ct));
        Assert.Equal(["2026-02-riverside"], concurrently.SelectMany(ids => ids));
        Assert.Empty(await packs.GenerateDueAsync(Ct));

        using var analyst = app.ClientFor("analyst", MarchHistory.Riverside);
        var list = await analyst.GetFromJsonAsync<JsonElement>("/api/v1/reports/governance-packs?facilityId=riverside", Ct);
        var entry = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(("2026-02-riverside", "riverside", "2026-02"), (entry.GetProperty("id").GetString(), entry.GetProperty("facilityId").GetString(), entry.GetProperty("month").GetString()));
        using var pdf = await analyst.GetAsync("/api/v1/reports/governance-packs/2026-02-riverside", Ct);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using var opened = PdfReader.Open(new MemoryStream(await pdf.Content.ReadAsByteArrayAsync(Ct)), PdfDocumentOpenMode.Import);
        Assert.Equal("Patient experience governance pack: riverside, 2026-02", opened.Info.Title);
        var html = await analyst.GetStringAsync("/api/v1/reports/governance-packs/2026-02-riverside?format=html", Ct);
        Assert.Equal(Sections, Parse(html).Descendants(Html + "h2").Select(h => h.Value));
    }

    [Fact]
    public async Task The_scheduler_stores_the_packs_due_on_its_own_when_its_interval_passes()
    {
        // Thursday 2 April 2026, 08:00 UTC: March is due. The scheduler's first pass ran at start-up, before any event.
        await using var app = ReportingApp.Create(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero), new Dictionary<string, string?>
        {
            ["Reporting:GovernancePacks:PollInterval"] = "00:05:00",
        });
        await app.PublishAndAwaitAsync(MarchHistory.Events());
        var store = app.Services.GetRequiredService<GovernancePackStore>();

        await Eventually.UntilAsync(async () =>
        {
            app.Clock.Advance(TimeSpan.FromMinutes(5));
            return (await store.ListAsync(null, Ct)).Count == 2;
        }, TimeSpan.FromSeconds(60), "the scheduler to store March's packs for Riverside and Hillcrest", Ct);
        Assert.Equal(["2026-03-hillcrest", "2026-03-riverside"], (await store.ListAsync(null, Ct)).Select(e => e.Id).Order());
    }
}
