using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Serialization;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Tests;

/// <summary>Messages as MassTransit writes them keep the strings they carried when these fields were strings; older JSON reads back typed.</summary>
public sealed class MessageJsonTests
{
    private static readonly DateTimeOffset At = new(2025, 10, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_case_escalated_event_carries_todays_strings()
    {
        var message = new CaseEscalated
        {
            CaseId = Guid.Empty, FacilityId = "f", FromLevel = EscalationLevel.Unit, ToLevel = EscalationLevel.Department,
            Reason = EscalationReason.DeadlineMissed, Severity = Severity.Critical, EscalatedAt = At,
        };

        var json = JsonSerializer.SerializeToNode(message, SystemTextJsonMessageSerializer.Options)!.AsObject();

        Assert.Equal(("unit", "department", "deadline-missed", "critical"),
            (Str(json, "fromLevel"), Str(json, "toLevel"), Str(json, "reason"), Str(json, "severity")));
    }

    [Fact]
    public void A_case_opened_event_written_with_strings_reads_back_typed_and_absent_values_keep_their_defaults()
    {
        const string json = """
            {"caseId":"00000000-0000-0000-0000-000000000000","caseNumber":"PX-1","submissionId":"00000000-0000-0000-0000-000000000000",
             "facilityId":"f","channel":"kiosk","kind":"suggestion","status":"reopened","openedAt":"2025-10-01T12:00:00+00:00",
             "classification":"complaint","slaPolicyVersion":2}
            """;

        var opened = JsonSerializer.Deserialize<CaseOpened>(json, SystemTextJsonMessageSerializer.Options)!;

        Assert.Equal((FeedbackChannel.Kiosk, (FeedbackKind?)FeedbackKind.Suggestion, CaseStatus.Reopened, (CaseType?)CaseType.Complaint, Severity.Medium),
            (opened.Channel, opened.Kind, opened.Status, opened.Classification, opened.Severity));
    }

    [Fact]
    public void A_send_notification_command_without_severity_is_medium_and_its_channels_are_strings()
    {
        var command = JsonSerializer.Deserialize<SendNotification>(
            """{"notificationId":"00000000-0000-0000-0000-000000000000","facilityId":"f","title":"t","message":"m","requestedBy":"x","requestedAt":"2025-10-01T12:00:00+00:00","channels":["pager","inbox"],"level":"executive"}""",
            SystemTextJsonMessageSerializer.Options)!;

        Assert.Equal((Severity.Medium, (EscalationLevel?)EscalationLevel.Executive), (command.Severity, command.Level));
        Assert.Equal([NotificationChannel.Pager, NotificationChannel.Inbox], command.Channels);
        var json = JsonSerializer.SerializeToNode(command, SystemTextJsonMessageSerializer.Options)!.AsObject();
        Assert.Equal(["pager", "inbox"], json["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("medium", Str(json, "severity"));
    }

    private static string? Str(JsonObject json, string field) => json[field]?.GetValue<string>();
}
