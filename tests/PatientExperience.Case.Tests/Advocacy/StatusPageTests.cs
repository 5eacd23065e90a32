using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Complainants;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Tests.Advocacy;

/// <summary>
/// The complainant's status page and secure messages through the whole service: the token issued at opening reaches the
/// notification service only in SendComplainantMessage; the public page shows the stage and messages and nothing internal;
/// unknown, malformed and revoked links change nothing; messages are encrypted at rest, every read is audited, notices carry
/// no text; staff endpoints are scoped by facility and role.
/// </summary>
public sealed class StatusPageTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Public => app.CreateClient();

    /// <summary>Opens a case and returns it with the token of its status page, read from the acknowledgement request.</summary>
    private async Task<(Guid CaseId, string CaseNumber, string Token)> OpenAsync(string facility = Samples.Riverside)
    {
        var opened = await app.OpenCaseAsync(Samples.Feedback(facility));
        var ack = await app.PublishedAsync<SendComplainantMessage>(m => m.CaseId == opened.Document.Id && m.Kind == ComplainantMessageKind.Acknowledgement);
        Assert.StartsWith(CaseApp.PublicBaseUrl + "/status/", ack.StatusLink, StringComparison.Ordinal);
        return (opened.Document.Id, opened.Document.CaseNumber, ack.StatusLink[(CaseApp.PublicBaseUrl.Length + "/status/".Length)..]);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task The_acknowledgement_request_carries_a_long_random_link_and_the_page_shows_only_what_the_complainant_may_see()
    {
        var (caseId, caseNumber, token) = await OpenAsync();
        Assert.True(StatusToken.IsWellFormed(token));
        var stored = (await app.Services.GetRequiredService<ComplainantThreadStore>().GetAsync(caseId, Ct))!.Document;
        Assert.Equal(StatusToken.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(app.PublishedSoFar<CaseOpened>(), e => JsonSerializer.Serialize(e).Contains(token, StringComparison.Ordinal));

        var page = await JsonAsync(await Public.GetAsync($"/api/v1/public/cases/{token}", Ct));

        Assert.Equal(["caseNumber", "stage", "expectedResponseBy", "lastUpdatedAt", "messages"], page.EnumerateObject().Select(p => p.Name));
        Assert.Equal(caseNumber, page.GetProperty("caseNumber").GetString());
        Assert.Equal("received", page.GetProperty("stage").GetString());
        Assert.True(page.GetProperty("expectedResponseBy").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(0, page.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task A_message_from_the_complainant_is_in_the_audit_chain_with_where_it_came_from_and_not_what_it_says()
    {
        var (caseId, _, token) = await OpenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/public/cases/{token}/messages") { Content = JsonContent.Create(new { text = "My aunt Perpetua is still in pain." }) };
        request.Headers.Add("X-Forwarded-For", "198.51.100.23");
        request.Headers.Add("X-Correlation-Id", "corr-complainant-1");
        Assert.Equal(HttpStatusCode.Created, (await Public.SendAsync(request, Ct)).StatusCode);

        var log = app.Services.GetRequiredService<CaseAuditLog>();
        var entry = Assert.Single(await log.ForSubjectAsync(caseId, Ct), e => e.Action == ComplainantMessaging.ComplainantMessageAction);
        Assert.Equal((AuditOutcome.Allowed, "complainant via status link", Samples.Riverside), (entry.Outcome, entry.Actor, entry.FacilityId));
        Assert.Equal(("198.51.100.23", "corr-complainant-1"), (entry.ClientAddress, entry.CorrelationId));
        Assert.DoesNotContain("Perpetua", JsonSerializer.Serialize(entry), StringComparison.Ordinal);
        Assert.DoesNotContain(token, JsonSerializer.Serialize(entry), StringComparison.Ordinal);
        Assert.True((await log.VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task A_redelivered_case_opened_issues_no_second_link()
    {
        var (caseId, _, token) = await OpenAsync();
        var opened = app.PublishedSoFar<CaseOpened>().First(e => e.CaseId == caseId);

        await app.Harness.Bus.Publish(opened, Ct);
        await Eventually.UntilAsync(() => app.Harness.Consumed.Select<CaseOpened>(new CancellationToken(true)).Count(m => m.Context.Message.CaseId == caseId) >= 2, "the redelivery to be consumed");
        var issuer = app.Harness.GetConsumerHarness<StatusPageIssuer>();
        await Eventually.UntilAsync(() => issuer.Consumed.Select<CaseOpened>(new CancellationToken(true)).Count(m => m.Context.Message.CaseId == caseId) >= 2, "the issuer to see the redelivery");

        Assert.Single(app.PublishedSoFar<SendComplainantMessage>(), m => m.CaseId == caseId);
        Assert.Equal(StatusToken.Hash(token), (await app.Services.GetRequiredService<ComplainantThreadStore>().GetAsync(caseId, Ct))!.Document.TokenHash);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_or_unknown_link_is_not_found_and_a_message_to_it_stores_nothing(string token)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Public.GetAsync($"/api/v1/public/cases/{token}", Ct)).StatusCode);
        var posted = await Public.PostAsJsonAsync($"/api/v1/public/cases/{token}/messages", new { text = "Hello" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Equal("application/problem+json", posted.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_complainant_writes_the_advocate_is_told_without_the_text_staff_read_it_audited_and_reply()
    {
        var (caseId, caseNumber, token) = await OpenAsync();
        const string text = "Nobody has called me back about my mother's fall.\nPlease phone after 5pm.";

        var receipt = await JsonAsync(await Public.PostAsJsonAsync($"/api/v1/public/cases/{token}/messages", new { text }, Ct), HttpStatusCode.Created);
        var messageId = receipt.GetProperty("messageId").GetGuid();

        // Encrypted at rest.
        var thread = (await app.Services.GetRequiredService<ComplainantThreadStore>().GetAsync(caseId, Ct))!.Document;
        Assert.DoesNotContain("mother", JsonSerializer.Serialize(thread), StringComparison.Ordinal);
        // The case's unit level is told a message arrived (no advocate yet), never what it says.
        var notice = await app.PublishedAsync<SendNotification>(n => n.NotificationId == messageId);
        Assert.Equal((caseId, EscalationLevel.Unit), (notice.CaseId!.Value, notice.Level!.Value));
        Assert.Contains(caseNumber, notice.Title, StringComparison.Ordinal);
        Assert.DoesNotContain("mother", notice.Title + notice.Message, StringComparison.Ordinal);

        var advocate = app.ClientFor("advocate", Samples.Riverside);
        var messages = await JsonAsync(await advocate.GetAsync($"/api/v1/cases/{caseId}/messages", Ct));
        var first = Assert.Single(messages.EnumerateArray());
        Assert.Equal(("complainant", text), (first.GetProperty("from").GetString(), first.GetProperty("text").GetString()));
        var audit = app.Services.GetRequiredService<CaseAuditLog>();
        Assert.Contains(await audit.ForSubjectAsync(caseId, Ct), e => e.Action == "case.messages.read" && e.Actor == "test-advocate");

        var reply = await JsonAsync(await advocate.PostAsJsonAsync($"/api/v1/cases/{caseId}/messages", new { text = "I will call you today at 5:30pm. Hector" }, Ct), HttpStatusCode.Created);
        var replyId = reply.GetProperty("id").GetGuid();
        var told = await app.PublishedAsync<SendComplainantMessage>(m => m.MessageId == replyId);
        Assert.Equal((ComplainantMessageKind.StaffReply, $"{CaseApp.PublicBaseUrl}/status/{token}"), (told.Kind, told.StatusLink));

        var page = await JsonAsync(await Public.GetAsync($"/api/v1/public/cases/{token}", Ct));
        var shown = page.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["complainant", "staff"], shown.Select(m => m.GetProperty("from").GetString()));
        Assert.All(shown, m => Assert.Equal(["from", "at", "text"], m.EnumerateObject().Select(p => p.Name)));
        Assert.DoesNotContain("test-advocate", page.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(await audit.ForSubjectAsync(caseId, Ct), e => e.Action == "case.messages.read-by-complainant" && e.Actor == ComplainantMessaging.ComplainantActor);
    }

    [Fact]
    public async Task The_assigned_advocate_is_the_one_told_of_a_new_message()
    {
        var (caseId, _, token) = await OpenAsync();
        var stored = (await app.Cases.GetAsync(caseId, Ct))!;
        stored.Document.AssigneeId = "rg-advocate";
        await app.Cases.SaveAsync(stored.Document, stored.Version, [], DateTimeOffset.UtcNow, Ct);

        var receipt = await JsonAsync(await Public.PostAsJsonAsync($"/api/v1/public/cases/{token}/messages", new { text = "Any news?" }, Ct), HttpStatusCode.Created);

        var notice = await app.PublishedAsync<SendNotification>(n => n.NotificationId == receipt.GetProperty("messageId").GetGuid());
        Assert.Equal("rg-advocate", Assert.Single(notice.Recipients).PersonId);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_stores_the_message_once()
    {
        var (caseId, _, token) = await OpenAsync();
        HttpRequestMessage Post()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/public/cases/{token}/messages") { Content = JsonContent.Create(new { text = "Sent twice" }) };
            request.Headers.Add("Idempotency-Key", "retry-1");
            return request;
        }

        var first = await JsonAsync(await Public.SendAsync(Post(), Ct), HttpStatusCode.Created);
        var second = await JsonAsync(await Public.SendAsync(Post(), Ct));

        Assert.Equal(first.GetProperty("messageId").GetGuid(), second.GetProperty("messageId").GetGuid());
        Assert.Single((await app.Services.GetRequiredService<ComplainantThreadStore>().GetAsync(caseId, Ct))!.Document.Messages);
    }

    [Theory]
    [InlineData("Pay to \u202Egnp.exe")]
    [InlineData("Bell\u0007")]
    [InlineData("")]
    public async Task A_message_with_control_or_bidirectional_characters_or_none_is_refused_and_nothing_is_stored(string text)
    {
        var (caseId, _, token) = await OpenAsync();

        var response = await Public.PostAsJsonAsync($"/api/v1/public/cases/{token}/messages", new { text }, Ct);

        var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("text", out _));
        Assert.Empty((await app.Services.GetRequiredService<ComplainantThreadStore>().GetAsync(caseId, Ct))!.Document.Messages);
    }

    [Fact]
    public async Task A_revoked_link_is_gone_and_only_coordinators_of_the_facility_may_revoke_it()
    {
        var (caseId, _, token) = await OpenAsync();
        var url = $"/api/v1/cases/{caseId}/status-link/revoke";

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("unit-manager", Samples.Riverside).PostAsync(url, null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("patient-relations", Samples.Mesa).PostAsync(url, null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Public.GetAsync($"/api/v1/public/cases/{token}", Ct)).StatusCode);

        var revoked = await JsonAsync(await app.ClientFor("patient-relations", Samples.Riverside).PostAsync(url, null, Ct));
        Assert.Equal("test-patient-relations", revoked.GetProperty("revokedBy").GetString());

        Assert.Equal(HttpStatusCode.Gone, (await Public.GetAsync($"/api/v1/public/cases/{token}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await Public.PostAsJsonAsync($"/api/v1/public/cases/{token}/messages", new { text = "Hello?" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await app.ClientFor("advocate", Samples.Riverside).PostAsJsonAsync($"/api/v1/cases/{caseId}/messages", new { text = "Reply" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_link_can_be_reissued_the_complainant_gets_the_new_one_and_every_old_one_stays_revoked()
    {
        var (caseId, _, first) = await OpenAsync();
        var coordinator = app.ClientFor("patient-relations", Samples.Riverside);
        var reissue = $"/api/v1/cases/{caseId}/status-link/reissue";
        var revoke = $"/api/v1/cases/{caseId}/status-link/revoke";

        // While the link works there is nothing to replace; other facilities and roles are refused.
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsync(reissue, null, Ct)).StatusCode);
        await JsonAsync(await coordinator.PostAsync(revoke, null, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("unit-manager", Samples.Riverside).PostAsync(reissue, null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("patient-relations", Samples.Mesa).PostAsync(reissue, null, Ct)).StatusCode);

        var view = await JsonAsync(await coordinator.PostAsync(reissue, null, Ct));
        Assert.Equal(JsonValueKind.Null, view.GetProperty("revokedAt").ValueKind);
        var notice = await app.PublishedAsync<SendComplainantMessage>(m => m.CaseId == caseId && m.Kind == ComplainantMessageKind.LinkReissued);
        var second = notice.StatusLink[(CaseApp.PublicBaseUrl.Length + "/status/".Length)..];
        Assert.True(StatusToken.IsWellFormed(second));
        Assert.NotEqual(first, second);

        Assert.Equal(HttpStatusCode.OK, (await Public.GetAsync($"/api/v1/public/cases/{second}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await Public.GetAsync($"/api/v1/public/cases/{first}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await Public.PostAsJsonAsync($"/api/v1/public/cases/{first}/messages", new { text = "Hello?" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Public.PostAsJsonAsync($"/api/v1/public/cases/{second}/messages", new { text = "Thank you" }, Ct)).StatusCode);

        // A second round: both earlier links stay revoked; the thread keeps hashes of the replaced links, never a token.
        await JsonAsync(await coordinator.PostAsync(revoke, null, Ct));
        await JsonAsync(await coordinator.PostAsync(reissue, null, Ct));
        await Eventually.UntilAsync(() => app.PublishedSoFar<SendComplainantMessage>().Count(m => m.CaseId == caseId && m.Kind == ComplainantMessageKind.LinkReissued) == 2,
            "the second reissue notice");
        var third = app.PublishedSoFar<SendComplainantMessage>().Where(m => m.CaseId == caseId && m.Kind == ComplainantMessageKind.LinkReissued)
            .Select(m => m.StatusLink[(CaseApp.PublicBaseUrl.Length + "/status/".Length)..]).Single(t => t != second);
        foreach (var old in new[] { first, second }) Assert.Equal(HttpStatusCode.Gone, (await Public.GetAsync($"/api/v1/public/cases/{old}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Public.GetAsync($"/api/v1/public/cases/{third}", Ct)).StatusCode);
        var stored = (await app.Services.GetRequiredService<ComplainantThreadStore>().GetAsync(caseId, Ct))!.Document;
        Assert.Equal(2, stored.ReplacedLinks.Count);
        var json = JsonSerializer.Serialize(stored);
        foreach (var token in new[] { first, second, third }) Assert.DoesNotContain(token, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_message_endpoints_check_facility_and_role()
    {
        var (caseId, _, _) = await OpenAsync();
        var url = $"/api/v1/cases/{caseId}/messages";

        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("analyst", Samples.Riverside).GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("unit-manager", Samples.Riverside).PostAsJsonAsync(url, new { text = "Hi" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientFor("unit-manager", Samples.Riverside).GetAsync(url, Ct)).StatusCode);
    }

    [Fact]
    public async Task The_stage_follows_the_case_in_the_complainants_words()
    {
        var (caseId, _, token) = await OpenAsync();
        // The saga may move the case's version meanwhile: read it again and retry on 412.
        await Eventually.UntilAsync(async () =>
        {
            var stored = (await app.Cases.GetAsync(caseId, Ct))!;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/acknowledge") { Content = JsonContent.Create(new { }) };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{stored.Version}\"");
            return (await app.ClientFor("patient-relations", Samples.Riverside).SendAsync(request, Ct)).StatusCode == HttpStatusCode.OK;
        }, "the case to be acknowledged");

        var page = await JsonAsync(await Public.GetAsync($"/api/v1/public/cases/{token}", Ct));
        Assert.Equal("being-looked-into", page.GetProperty("stage").GetString());
    }
}
