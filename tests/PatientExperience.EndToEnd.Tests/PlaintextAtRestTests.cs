using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// What a stolen disk would show: after a concern has gone through the standalone platform (case opened, staff note,
/// acknowledgement with the status link, a message from the patient and a reply), the raw bytes of every SQLite file the
/// services wrote (databases, write-ahead logs, shared memory) hold none of the patient's name, email, phone, MRN or words.
/// </summary>
public sealed partial class PlaintextAtRestTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ASCII markers, so the JSON the stores write cannot hide them behind escapes.
    private static readonly string Tag = Guid.NewGuid().ToString("N")[..10];
    private static readonly string Name = $"Zelphine Qarmody{Tag}";
    private static readonly string Email = $"zq.canary.{Tag}@example.org";
    private static readonly string Phone = $"+1 617 555 {Tag[..4].Aggregate(0, (n, c) => (n * 7 + c) % 10000):D4}";
    private static readonly string Mrn = $"MRN-ZQ{Tag}";
    private static readonly string Story = $"zqstory{Tag}";
    private static readonly string Note = $"zqnote{Tag}";
    private static readonly string FromPatient = $"zqmessage{Tag}";
    private static readonly string Reply = $"zqreply{Tag}";

    private readonly StandaloneHost _host = new("at-rest", new Dictionary<string, string?>
    {
        ["Notification__PatientQuietHours__Start"] = "",
        ["Notification__PatientQuietHours__End"] = "",
    });

    public async ValueTask InitializeAsync() => await _host.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_database_files_hold_no_patient_details_or_words_in_plain_text()
    {
        var anonymous = new HttpClient { BaseAddress = _host.Gateway };
        var token = (await anonymous.GetFromJsonAsync<JsonElement>("/dev/token?role=advocate&facility=riverside-general&sub=rg-advocate", Ct)).GetProperty("accessToken").GetString();
        var staff = new HttpClient { BaseAddress = _host.Gateway };
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var concern = new
        {
            facilityId = "riverside-general", departmentId = "emergency", unitId = "ed-adult", channel = "web", kind = "complaint",
            description = $"Nobody explained the delay to my father. {Story}", responseRequested = true,
            patient = new { name = Name, email = Email, phone = Phone, mrn = Mrn, preferredLanguage = "en" },
        };
        var submissionId = await ConcernToCaseTests.SubmitAsync(anonymous, concern, diagnostics: () => _host.Process!.Output);
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, submissionId, () => _host.Process!.Output);

        // The case moves on by itself meanwhile (assignment, acknowledgement): the note is sent as a console does, retried on 412.
        await EscalationTests.ActAsync(staff, caseId, "notes", new { text = $"Called the family. {Note}" });

        var acknowledgement = await Eventually.UntilAsync<JsonElement?>(async () =>
            (await anonymous.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Email}", Ct)).EnumerateArray().Cast<JsonElement?>().FirstOrDefault(),
            TimeSpan.FromSeconds(30), "the acknowledgement to reach the mailbox", Ct);
        var statusToken = StatusLink().Match(acknowledgement!.Value.GetProperty("body").GetString()!).Groups["token"].Value;
        Assert.NotEmpty(statusToken);
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync($"/api/v1/public/cases/{statusToken}/messages", new { text = $"When will someone call? {FromPatient}" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/api/v1/cases/{caseId}/messages", new { text = $"Today at five. {Reply}" }, Ct)).StatusCode);
        await Eventually.UntilAsync(async () => (await anonymous.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Email}", Ct)).GetArrayLength() == 2,
            TimeSpan.FromSeconds(30), "the notice of the reply to reach the mailbox", Ct);

        // Stopped gracefully: whatever is still in a write-ahead log is scanned too.
        await _host.Process!.StopAsync();
        var files = Directory.EnumerateFiles(_host.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));

        var found = new List<string>();
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            foreach (var (what, marker) in new[] { ("name", Name), ("email", Email), ("phone", Phone), ("MRN", Mrn), ("description", Story), ("note", Note), ("patient's message", FromPatient), ("staff reply", Reply) })
            {
                if (Contains(bytes, Encoding.UTF8.GetBytes(marker)) || Contains(bytes, Encoding.Unicode.GetBytes(marker)))
                    found.Add($"{what} in {Path.GetRelativePath(_host.DataDirectory, file)}");
            }
        }

        Assert.True(found.Count == 0, "Plain text at rest: " + string.Join("; ", found));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [GeneratedRegex(@"/status/(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex StatusLink();
}
