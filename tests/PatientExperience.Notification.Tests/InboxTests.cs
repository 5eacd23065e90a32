using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PatientExperience.Contracts.Notification.V1;
using PatientExperience.Notification.Deliveries;

namespace PatientExperience.Notification.Tests;

/// <summary>Each person's in-app inbox: what they were told, newest first, unread count, mark read; over HTTP and gRPC.</summary>
public sealed class InboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_inbox_shows_the_callers_notifications_and_counts_and_marks_them_read()
    {
        await using var app = await NotificationApp.StartAsync();
        var first = app.KnownCase();
        var second = app.KnownCase("high");
        await app.Publish(Samples.Escalated(first));
        await app.Publish(Samples.Escalated(second, "high"));
        await app.Publish(Samples.Escalated(app.KnownCase(), "medium", "unit", Samples.UnitManager));
        await app.DeliveriesWhenAsync(d => d.Count(x => x.Channel == "inbox") == 3, "three inbox entries");

        var me = app.ClientFor(Samples.DepartmentHead.PersonId);
        var inbox = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
        Assert.Equal(2, inbox.GetProperty("total").GetInt32());
        Assert.Equal(2, inbox.GetProperty("unread").GetInt32());
        var items = inbox.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal("case-escalated", i.GetProperty("event").GetString()));
        var entry = items.Single(i => i.GetProperty("caseId").GetGuid() == first.CaseId);
        Assert.Equal(first.CaseNumber, entry.GetProperty("caseNumber").GetString());
        Assert.Contains(first.CaseNumber, entry.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal($"{NotificationApp.ConsoleBaseUrl}/cases/{first.CaseId}", entry.GetProperty("link").GetString());
        Assert.False(entry.GetProperty("read").GetBoolean());

        var id = entry.GetProperty("id").GetGuid();
        // Not the unit manager's to mark: answered as not found.
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor(Samples.UnitManager.PersonId, "unit-manager").PostAsync($"/api/v1/notifications/inbox/{id}/read", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await me.PostAsync($"/api/v1/notifications/inbox/{id}/read", null, Ct)).StatusCode);
        Assert.Equal(1, (await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox/unread-count", Ct)).GetProperty("unread").GetInt32());
        var unreadOnly = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox?unreadOnly=true", Ct);
        Assert.Equal(second.CaseId, Assert.Single(unreadOnly.GetProperty("items").EnumerateArray()).GetProperty("caseId").GetGuid());

        var marked = await (await me.PostAsync("/api/v1/notifications/inbox/read-all", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, marked.GetProperty("marked").GetInt32());
        Assert.Equal(0, (await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox/unread-count", Ct)).GetProperty("unread").GetInt32());

        // The unit manager's inbox is their own.
        var theirs = await app.ClientFor(Samples.UnitManager.PersonId, "unit-manager").GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
        Assert.Equal(1, theirs.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/notifications/inbox", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_person_whose_token_no_longer_names_a_facility_neither_sees_nor_marks_its_entries()
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase();
        await app.Publish(Samples.Escalated(c));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "inbox" && x.Status == DeliveryStatus.Delivered), "the inbox entry");
        var here = app.ClientFor(Samples.DepartmentHead.PersonId);
        var entry = Assert.Single((await here.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct)).GetProperty("items").EnumerateArray());

        // The same person, moved to another facility: their token names only that one.
        var moved = app.ClientFor(Samples.DepartmentHead.PersonId, "department-head", "another-facility");
        var inbox = await moved.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
        Assert.Equal(0, inbox.GetProperty("total").GetInt32());
        Assert.Equal(0, inbox.GetProperty("unread").GetInt32());
        Assert.Equal(0, (await moved.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox/unread-count", Ct)).GetProperty("unread").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await moved.PostAsync($"/api/v1/notifications/inbox/{entry.GetProperty("id").GetGuid()}/read", null, Ct)).StatusCode);
        Assert.Equal(0, (await (await moved.PostAsync("/api/v1/notifications/inbox/read-all", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("marked").GetInt32());

        // Still unread where it belongs; a token for every facility sees it too.
        Assert.Equal(1, (await here.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox/unread-count", Ct)).GetProperty("unread").GetInt32());
        Assert.Equal(1, (await app.ClientFor(Samples.DepartmentHead.PersonId, "department-head", "*").GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task GetInbox_over_grpc_answers_for_the_tokens_subject()
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase();
        await app.Publish(Samples.Escalated(c));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "inbox" && x.Status == DeliveryStatus.Delivered), "the inbox entry");

        using var channel = GrpcChannel.ForAddress(app.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = app.Server.CreateHandler() });
        var client = new NotificationService.NotificationServiceClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer " + NotificationApp.TokenFor(Samples.DepartmentHead.PersonId, "department-head", FakeCaseDirectory.Facility) } };

        var reply = await client.GetInboxAsync(new GetInboxRequest(), headers, cancellationToken: Ct);
        var item = Assert.Single(reply.Items);
        Assert.Equal(c.CaseId.ToString(), item.CaseId);
        Assert.Equal(c.CaseNumber, item.CaseNumber);
        Assert.Equal(1, reply.Unread);
        Assert.False(item.Read);

        var nobody = new Metadata { { "Authorization", "Bearer " + NotificationApp.TokenFor("rg-someone-else", "advocate", FakeCaseDirectory.Facility) } };
        Assert.Empty((await client.GetInboxAsync(new GetInboxRequest(), nobody, cancellationToken: Ct)).Items);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.GetInboxAsync(new GetInboxRequest(), cancellationToken: Ct));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await client.GetInboxAsync(new GetInboxRequest { PageSize = 1000 }, headers, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task Without_an_smtp_server_or_providers_development_keeps_messages_in_the_dev_mailbox()
    {
        await using var app = await NotificationApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["ConnectionStrings:smtp"] = null, ["Notification:Sms:Url"] = null, ["Notification:Pager:Url"] = null,
        });
        var c = app.KnownCase("critical");

        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive));
        var all = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 4, "every channel to be delivered");

        Assert.All(all.Where(d => d.Channel != "inbox"), d => Assert.Equal("dev-mailbox", d.Transport));
        Assert.Empty(app.Smtp.Received);
        Assert.Empty(app.Webhooks.Calls);
        var mailbox = await app.CreateClient().GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Uri.EscapeDataString(Samples.Executive.Email!)}", Ct);
        var email = Assert.Single(mailbox.EnumerateArray());
        Assert.Equal("email", email.GetProperty("channel").GetString());
        Assert.Contains(c.CaseNumber, email.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var pages = await app.CreateClient().GetFromJsonAsync<JsonElement>("/dev/mailbox?channel=pager", Ct);
        Assert.Equal(Samples.Executive.Pager, Assert.Single(pages.EnumerateArray()).GetProperty("to").GetString());
    }

    [Fact]
    public async Task The_dev_mailbox_is_not_served_outside_development()
    {
        await using var app = await NotificationApp.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/dev/mailbox", Ct)).StatusCode);
    }
}
