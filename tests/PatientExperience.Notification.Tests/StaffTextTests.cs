using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Templates;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// A SendNotification's title and message are staff free text: encrypted in the notification store, shown decrypted only in
/// the recipient's own inbox and in what is sent to them; rows stored in clear before stay readable.
/// </summary>
public sealed class StaffTextTests
{
    private const string Title = "Quillfeather family call";
    private const string Message = "Mrs Quillfeather's son rang about the bruising on her arm.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_send_notifications_title_and_message_are_encrypted_at_rest_and_shown_to_the_recipient_only()
    {
        await using var app = await NotificationApp.StartAsync();
        await app.Publish(new SendNotification
        {
            NotificationId = Guid.NewGuid(), FacilityId = FakeCaseDirectory.Facility, Title = Title, Message = Message,
            Severity = Severity.Low, Recipients = [Samples.UnitManager], Channels = [NotificationChannel.Email, NotificationChannel.Inbox],
            RequestedBy = "test", RequestedAt = NotificationApp.Start,
        });
        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "the email and the inbox entry");

        // At rest: the raw documents hold neither, only their ciphertext.
        var raw = await app.Services.GetRequiredKeyedService<IDocumentStore>("notification").Collection<JsonObject>(DeliveryStore.Definition)
            .QueryAsync(new DocumentQuery { PageSize = 100 }, Ct);
        Assert.Equal(2, raw.Items.Count);
        foreach (var row in raw.Items)
        {
            var json = row.Document.ToJsonString();
            Assert.DoesNotContain("Quillfeather", json, StringComparison.Ordinal);
            Assert.DoesNotContain("bruising", json, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(row.Document["protectedStaffText"]?.GetValue<string>()));
        }

        // Sent: the email says it.
        var email = Assert.Single(app.Smtp.To(Samples.UnitManager.Email!));
        Assert.Equal($"[low] {Title}", email.Subject);
        Assert.Contains(Message, email.Body, StringComparison.Ordinal);

        // The recipient's own inbox shows it decrypted; nobody else's inbox has it.
        var entry = Assert.Single((await app.ClientFor(Samples.UnitManager.PersonId, "unit-manager").GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct))
            .GetProperty("items").EnumerateArray());
        Assert.Equal(Title, entry.GetProperty("title").GetString());
        Assert.Contains(Message, entry.GetProperty("body").GetString(), StringComparison.Ordinal);
        var others = await app.ClientFor(Samples.DepartmentHead.PersonId).GetStringAsync("/api/v1/notifications/inbox", Ct);
        Assert.DoesNotContain("Quillfeather", others, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inbox_entry_stored_in_clear_before_encryption_still_reads()
    {
        await using var app = await NotificationApp.StartAsync();
        var id = Guid.NewGuid();
        var source = $"send-notification:{Guid.NewGuid()}";
        // As the service stored it before: title and message in the model, nothing protected.
        await app.Deliveries.CreateAsync(new Delivery
        {
            Id = id, Key = Delivery.KeyFor(source, Samples.UnitManager.PersonId, "inbox"), SourceKey = source, Event = "send-notification",
            FacilityId = FakeCaseDirectory.Facility, Severity = Severity.Low, Channel = "inbox", RecipientKind = Recipients.Staff,
            RecipientId = Samples.UnitManager.PersonId, RecipientName = Samples.UnitManager.Name, Status = DeliveryStatus.Pending, CreatedAt = NotificationApp.Start,
            StaffMessage = new StaffMessageModel
            {
                Event = "send-notification", FacilityId = FakeCaseDirectory.Facility, Facility = "Riverside", Severity = "low",
                RecipientName = Samples.UnitManager.Name, Title = "Older title", Message = "Older message in clear.",
            },
        }, NotificationApp.Start, Ct);

        var entry = Assert.Single((await app.ClientFor(Samples.UnitManager.PersonId, "unit-manager").GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct))
            .GetProperty("items").EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetGuid());
        Assert.Equal("Older title", entry.GetProperty("title").GetString());
        Assert.Contains("Older message in clear.", entry.GetProperty("body").GetString(), StringComparison.Ordinal);
    }
}
