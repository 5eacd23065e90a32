using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Case;
using PatientExperience.Gateway;
using PatientExperience.Intake;
using PatientExperience.Messaging;
using PatientExperience.Notification;
using PatientExperience.Reporting;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.Standalone;
using PatientExperience.Survey;
using PatientExperience.Testing;

namespace PatientExperience.Integration.Tests.Canary;

/// <summary>
/// The PHI canary (issue 9): the main flows of the whole platform run once with a unique marker in every field that holds
/// patient details or free text, and no marker may turn up in any log record (every category, Debug and above, with
/// exceptions, state and scopes), any activity (tags, events, links, baggage, status description), any metric
/// measurement's attribute values, or any error answer. The platform runs as the standalone host composes it (every
/// service and the gateway in this process, in-memory transport, SQLite files in a temporary folder, Development), so every
/// module's telemetry is in reach of one logger provider, one activity listener and one meter listener.
/// </summary>
public sealed partial class PhiCanaryTests : IAsyncDisposable
{
    private const string Facility = "riverside-general";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-canary-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _gatewayPort = ServiceProcess.FreeTcpPort();
    private readonly int _servicesPort = ServiceProcess.FreeTcpPort();
    private readonly int _grpcPort = ServiceProcess.FreeTcpPort();
    private readonly CapturedLogs _logs = new();
    private readonly CapturedActivities _activities = new();
    private readonly RecordedMetrics _metrics = RecordedMetrics.Everything();
    private readonly ErrorAnswers _errors = new();
    private readonly PhiMarkers _markers = new();
    private WebApplication? _app;

    [GeneratedRegex(@"/status/(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex StatusLink();

    [GeneratedRegex(@"/surveys/(?<token>[A-Za-z0-9_-]{20,})")]
    private static partial Regex SurveyLink();

    private Uri Gateway => new($"http://127.0.0.1:{_gatewayPort}");

    /// <summary>The standalone host's composition (services/Standalone/Program.cs) with the test's ports, data folder and log capture.</summary>
    private async Task StartPlatformAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "PatientExperience.Standalone",
            EnvironmentName = "Development",
            // The standalone host's own appsettings(.Development).json: the development keys and the demo directory.
            ContentRootPath = Path.Combine(RepositoryPaths.Root, "services", "Standalone"),
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Standalone:GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Standalone:ServicesPort"] = _servicesPort.ToString(CultureInfo.InvariantCulture),
            ["Standalone:GrpcPort"] = _grpcPort.ToString(CultureInfo.InvariantCulture),
            ["Storage:DataDirectory"] = _data,
            ["ConnectionStrings:rabbitmq"] = null,
            ["ConnectionStrings:mongo"] = null,
            ["Gateway:PublicPermitLimit"] = "100000",
            ["Notification:PatientQuietHours:Start"] = "",
            ["Notification:PatientQuietHours:End"] = "",
            // Everything, from every category: the canary reads what an operator could turn on.
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Logging:LogLevel:Yarp"] = "Debug",
            ["Logging:LogLevel:MassTransit"] = "Debug",
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(_logs);

        var ports = builder.AddStandaloneHosting();
        builder.AddServiceDefaults();
        builder.AddGatewayModule();
        builder.AddIntakeModule(schedulerStore: CaseModule.ServiceName);
        builder.AddIntakeEmbeddedModeRecovery();
        builder.AddCaseModule();
        builder.AddNotificationModule(schedulerStore: CaseModule.ServiceName);
        builder.AddSurveyModule(schedulerStore: CaseModule.ServiceName);
        builder.AddReportingModule();
        builder.AddPlatformMessaging();
        builder.Services.AddLocalPortRouting();

        var app = builder.Build();
        app.UseGatewayPipeline();
        app.MapDefaultEndpoints();
        app.MapGateway().RequireLocalPort(ports.Gateway);
        app.MapIntakeApi().RequireLocalPort(ports.Services);
        app.MapCaseApi().RequireLocalPort(ports.Services);
        app.MapNotificationApi().RequireLocalPort(ports.Services);
        app.MapSurveyApi().RequireLocalPort(ports.Services);
        app.MapReportingApi().RequireLocalPort(ports.Services);
        app.MapIntakeGrpc();
        app.MapCaseGrpc();
        app.MapNotificationGrpc();
        app.MapSurveyGrpc();
        app.MapReportingGrpc();
        app.MapNotificationDevEndpoints();
        _app = app;
        await app.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _activities.Dispose();
        _metrics.Dispose();
        _errors.Dispose();
        try
        {
            if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment: the temporary folder is cleaned by the OS eventually.
        }
    }

    [Fact]
    public async Task No_patient_detail_or_free_text_from_any_flow_reaches_logs_traces_metrics_or_error_answers()
    {
        await StartPlatformAsync();

        // 1. A concern with the patient's and the submitter's details and a response requested.
        var patientEmail = _markers.Email("patient.email");
        var submitterEmail = _markers.Email("submitter.email");
        var concern = new
        {
            facilityId = Facility, departmentId = "emergency", unitId = "ed-adult", channel = "web", kind = "complaint",
            description = $"We waited for hours and nobody explained. {_markers.Text("description")}",
            patient = new { mrn = _markers.Mrn("patient.mrn"), name = _markers.Name("patient.name"), email = patientEmail, phone = _markers.Phone("patient.phone"), preferredLanguage = "en" },
            submitter = new { name = _markers.Name("submitter.name"), email = submitterEmail, phone = _markers.Phone("submitter.phone"), relationship = "family" },
            responseRequested = true,
        };
        using var anonymous = Client();
        var submissionId = await SubmitAsync(anonymous, concern);
        using var staff = await ClientAsync("patient-relations", Facility);
        var caseId = await CaseOfAsync(staff, submissionId);
        await staff.GetStringAsync($"/api/v1/feedback/{submissionId}", Ct);

        // 2. Staff work the case: acknowledgement with a note, a note, a task given and completed with a note, an escalation, a reclassification.
        await ActAsync(staff, caseId, "acknowledge", new { note = _markers.Text("acknowledge.note") });
        await ActAsync(staff, caseId, "notes", new { text = _markers.Text("staff.note") });
        await ActAsync(staff, caseId, "tasks", new { departmentId = "emergency", description = _markers.Text("task.description"), dueAt = DateTimeOffset.UtcNow.AddDays(3) });
        var taskId = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct)).GetProperty("tasks").EnumerateArray().Single().GetProperty("id").GetGuid();
        await ActAsync(staff, caseId, $"tasks/{taskId}/complete", new { note = _markers.Text("task.completion-note") });
        await ActAsync(staff, caseId, "escalate", new { reason = _markers.Text("escalation.reason") });
        await ActAsync(staff, caseId, "classification", new { category = "communication", reason = _markers.Text("classification.reason") });

        // 3. The complainant's status page: a message from them, a reply from staff, both read by each side.
        var statusToken = await MailLinkAsync([patientEmail, submitterEmail], StatusLink(), "the acknowledgement with the status link");
        var sent = await anonymous.PostAsJsonAsync($"/api/v1/public/cases/{statusToken}/messages", new { text = _markers.Text("complainant.message") }, Ct);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await staff.GetStringAsync($"/api/v1/cases/{caseId}/messages", Ct);
        var reply = await staff.PostAsJsonAsync($"/api/v1/cases/{caseId}/messages", new { text = _markers.Text("staff.reply") }, Ct);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        await anonymous.GetStringAsync($"/api/v1/public/cases/{statusToken}", Ct);

        // 4. The final response letter, then the case resolved.
        await ActAsync(staff, caseId, "letters", new
        {
            kind = "final", contactName = _markers.Name("letter.contact-name"), stepsTaken = _markers.Text("letter.steps-taken"),
            results = _markers.Text("letter.results"), completionDate = DateOnly.FromDateTime(DateTime.UtcNow), body = _markers.Text("letter.body"),
        });
        await ActAsync(staff, caseId, "resolve", null);
        await staff.GetStringAsync($"/api/v1/cases/{caseId}", Ct);

        // 5. An improvement action for the case: its title, measure and the evidence that verifies it.
        var action = await staff.PostAsJsonAsync("/api/v1/improvement-actions", new
        {
            facilityId = Facility, departmentId = "emergency", title = _markers.Text("improvement.title"), theme = "communication",
            linkedCaseIds = new[] { caseId }, ownerId = "rg-advocate", dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)),
            measure = _markers.Text("improvement.measure"),
        }, Ct);
        Assert.True(action.StatusCode == HttpStatusCode.Created, $"POST improvement-actions: {(int)action.StatusCode} {await action.Content.ReadAsStringAsync(Ct)}");
        var actionUrl = $"/api/v1/improvement-actions/{(await action.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid()}";
        var etag = action.Headers.ETag!;
        foreach (var (status, evidence) in new[] { ("in-progress", (string?)null), ("done", null), ("verified", _markers.Text("improvement.evidence")) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, actionUrl + "/status") { Content = JsonContent.Create(new { status, evidence }) };
            request.Headers.IfMatch.Add(etag);
            var moved = await staff.SendAsync(request, Ct);
            Assert.True(moved.IsSuccessStatusCode, $"improvement action -> {status}: {(int)moved.StatusCode} {await moved.Content.ReadAsStringAsync(Ct)}");
            etag = moved.Headers.ETag!;
        }

        await staff.GetStringAsync(actionUrl, Ct);

        // 6. A discharge from the EHR, the survey invitation, and an answer with a comment that asks for contact: a service-recovery case.
        var surveyResponseId = await AnswerSurveyAsync(anonymous);
        var recoveryCase = await Eventually.UntilAsync<object>(async () =>
        {
            var page = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases?facilityId={Facility}&source=survey&pageSize=100", Ct);
            return page.GetProperty("items").EnumerateArray()
                .FirstOrDefault(c => c.TryGetProperty("surveyResponseId", out var r) && r.ValueKind == JsonValueKind.String && r.GetGuid() == surveyResponseId) is { ValueKind: JsonValueKind.Object } found
                ? found.GetProperty("caseId").GetGuid() : null;
        }, Deadline, "the service-recovery case of the survey response", Ct);
        await staff.GetStringAsync($"/api/v1/cases/{recoveryCase}", Ct);

        // 7. Failures that quote the markers back: a bad request, malformed JSON, another facility, an out-of-scope read.
        var invalid = await anonymous.PostAsJsonAsync("/api/v1/feedback", concern with { channel = "pigeon", facilityId = "nowhere" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var malformed = await anonymous.PostAsync("/api/v1/feedback", new StringContent(
            $$"""{"facilityId": "{{Facility}}", "description": "{{_markers.Text("malformed.description")}}", "patient": {"name": "{{_markers.Name("malformed.name")}}", "mrn": 12""",
            Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var tooLong = await staff.PostAsJsonAsync($"/api/v1/cases/{caseId}/messages", new { text = _markers.Text("overlong.reply") + new string('x', 6000) }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var elsewhere = await staff.PostAsJsonAsync("/api/v1/improvement-actions", new
        {
            facilityId = "mesa-valley", departmentId = "emergency", title = _markers.Text("elsewhere.title"), theme = "communication",
            ownerId = "rg-advocate", dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), measure = _markers.Text("elsewhere.measure"),
        }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        using var otherFacility = await ClientAsync("patient-relations", "mesa-valley");
        Assert.Equal(HttpStatusCode.NotFound, (await otherFacility.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { text = _markers.Text("elsewhere.note") }, Ct)).StatusCode);

        // Everything the flows set off has happened: the complainant was told of the reply, and the gauges are read once.
        await Eventually.UntilAsync(() => Mailbox(patientEmail, submitterEmail).Count(StatusLink().IsMatch) >= 2,
            "the complainant's notice of the staff reply in the development mailbox", Deadline);
        _metrics.Observe("none");

        Assert.NotEmpty(_logs.Records);
        Assert.NotEmpty(_activities.Activities);
        Assert.NotEmpty(_metrics.All);
        Assert.True(_errors.All.Count >= 5, "the failures above answered with bodies: " + string.Join("\n", _errors.All));
        CanaryAssert.NoMarkerIn(_markers, "logs", _logs.Records);
        CanaryAssert.NoMarkerIn(_markers, "activities", _activities.Activities);
        CanaryAssert.NoMarkerIn(_markers, "metrics", _metrics.All.Select(m => m.Instrument + " " + string.Join(" ", m.Tags.Select(t => $"{t.Key}={t.Value}"))));
        CanaryAssert.NoMarkerIn(_markers, "error answers", _errors.All);
    }

    private HttpClient Client() => new(_errors, disposeHandler: false) { BaseAddress = Gateway };

    private async Task<HttpClient> ClientAsync(string role, string facility)
    {
        var client = Client();
        var token = (await client.GetFromJsonAsync<JsonElement>($"/dev/token?role={role}&facility={facility}", Ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<Guid> SubmitAsync(HttpClient anonymous, object concern)
    {
        // Sent again with the same key while the freshly started host answers 503 (its directory not read yet).
        var key = Guid.NewGuid().ToString("N");
        var submitted = await Eventually.UntilAsync<HttpResponseMessage>(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(concern) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await anonymous.SendAsync(request, Ct);
            return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : response;
        }, Deadline, "POST /api/v1/feedback to answer other than 503", Ct);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/feedback: {(int)submitted.StatusCode} {await submitted.Content.ReadAsStringAsync(Ct)}");
        return (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submissionId").GetGuid();
    }

    private static async Task<Guid> CaseOfAsync(HttpClient staff, Guid submissionId) =>
        await Eventually.UntilAsync<object>(async () =>
        {
            var submission = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/{submissionId}", Ct);
            return submission.TryGetProperty("caseId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : null;
        }, Deadline, $"a case for submission {submissionId}", Ct) is Guid caseId ? caseId : throw new InvalidOperationException();

    /// <summary>
    /// A staff action with the case's current ETag; answers the case it returns. The case also changes in the background (the
    /// saga's deadlines, assignment), so a 412 is read again and retried as the console would.
    /// </summary>
    private static async Task<JsonElement> ActAsync(HttpClient staff, Guid caseId, string action, object? body)
    {
        var response = await Eventually.UntilAsync<HttpResponseMessage>(async () =>
        {
            var current = await staff.GetAsync($"/api/v1/cases/{caseId}", Ct);
            Assert.True(current.IsSuccessStatusCode, $"GET case: {(int)current.StatusCode}");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/{action}") { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.IfMatch.Add(current.Headers.ETag!);
            var answer = await staff.SendAsync(request, Ct);
            return answer.StatusCode == HttpStatusCode.PreconditionFailed ? null : answer;
        }, Deadline, $"POST {action} to apply to a case that stays still long enough", Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<Guid> AnswerSurveyAsync(HttpClient anonymous)
    {
        using var admin = await ClientAsync("admin", Facility);
        var policy = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/survey-policy", new
        {
            invitationDelay = "PT1S", responseWindow = "PT1H", reminders = Array.Empty<string>(), samplingRate = 1.0, minimumInterval = "PT0S",
        }, Ct);
        Assert.True(policy.IsSuccessStatusCode, $"PUT survey-policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync(Ct)}");

        var email = _markers.Email("discharge.email");
        var family = _markers.Name("discharge.family").Split(' ')[1];
        var given = _markers.Name("discharge.given").Split(' ')[1];
        using var ehr = await ClientAsync("integration", Facility);
        var bundle = FhirDischarges.Bundle(FhirDischarges.Entries(Facility, "4-west", DateTimeOffset.UtcNow, email, _markers.Mrn("discharge.mrn"), family, given, "1971-09-12"));
        var posted = await ehr.PostAsync("/api/v1/fhir", new StringContent(bundle, Encoding.UTF8, "application/fhir+json"), Ct);
        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"POST /api/v1/fhir: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync(Ct)}");

        var token = await MailLinkAsync([email], SurveyLink(), "the survey invitation");
        await anonymous.GetStringAsync($"/api/v1/surveys/respond/{token}", Ct);
        var answered = await anonymous.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", new
        {
            answers = new Dictionary<string, object> { ["overall-rating"] = 2, ["recommend"] = "definitely-no", ["comments"] = _markers.Text("survey.comment") },
            contactRequested = true, outreachConsent = true,
        }, Ct);
        Assert.True(answered.StatusCode == HttpStatusCode.Created, $"POST survey answer: {(int)answered.StatusCode} {await answered.Content.ReadAsStringAsync(Ct)}");
        return (await answered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("responseId").GetGuid();
    }

    /// <summary>
    /// The bodies of the messages the development mailbox holds for these addresses, read in process: asking <c>/dev/mailbox?to=</c>
    /// would put the address in a request line the host logs, and the canary would find the test's own query.
    /// </summary>
    private IReadOnlyList<string> Mailbox(params string[] to) =>
        [.. _app!.Services.GetRequiredService<PatientExperience.Notification.Channels.DevMailbox>().Messages
            .Where(m => to.Contains(m.To, StringComparer.OrdinalIgnoreCase)).Select(m => m.Body)];

    private async Task<string> MailLinkAsync(string[] to, Regex link, string what)
    {
        var body = await Eventually.UntilAsync(() => Task.FromResult(Mailbox(to).FirstOrDefault(link.IsMatch)), Deadline, $"{what} in the development mailbox", Ct);
        return link.Match(body).Groups["token"].Value;
    }
}
