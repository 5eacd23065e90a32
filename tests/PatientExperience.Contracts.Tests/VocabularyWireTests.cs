using System.Text.Json;
using MassTransit.Serialization;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Contracts.Tests;

/// <summary>
/// Every vocabulary value travels as exactly today's string, whichever serializer carries it (HTTP, MassTransit, the
/// document store) and through <see cref="Wire"/>; unknown strings and numbers are refused. One table per vocabulary: a
/// value added to an enum fails <see cref="Every_value_has_a_row"/> until its wire string is written down here.
/// </summary>
public sealed class VocabularyWireTests
{
    public static readonly TheoryData<Severity, string> Severities = new()
    {
        { Severity.Low, "low" }, { Severity.Medium, "medium" }, { Severity.High, "high" }, { Severity.Critical, "critical" },
    };

    public static readonly TheoryData<EscalationLevel, string> Levels = new()
    {
        { EscalationLevel.Unit, "unit" }, { EscalationLevel.Department, "department" }, { EscalationLevel.Executive, "executive" },
    };

    public static readonly TheoryData<CaseStatus, string> Statuses = new()
    {
        { CaseStatus.New, "new" }, { CaseStatus.Acknowledged, "acknowledged" }, { CaseStatus.Investigating, "investigating" },
        { CaseStatus.ResponseSent, "response-sent" }, { CaseStatus.Resolved, "resolved" }, { CaseStatus.Closed, "closed" },
        { CaseStatus.Reopened, "reopened" },
    };

    public static readonly TheoryData<CaseType, string> CaseTypes = new()
    {
        { CaseType.Complaint, "complaint" }, { CaseType.Grievance, "grievance" },
    };

    public static readonly TheoryData<CaseSource, string> CaseSources = new()
    {
        { CaseSource.Feedback, "feedback" }, { CaseSource.Survey, "survey" },
    };

    public static readonly TheoryData<FeedbackKind, string> Kinds = new()
    {
        { FeedbackKind.Complaint, "complaint" }, { FeedbackKind.Grievance, "grievance" }, { FeedbackKind.Compliment, "compliment" },
        { FeedbackKind.Suggestion, "suggestion" }, { FeedbackKind.Question, "question" },
    };

    public static readonly TheoryData<FeedbackChannel, string> Channels = new()
    {
        { FeedbackChannel.Web, "web" }, { FeedbackChannel.Phone, "phone" }, { FeedbackChannel.Email, "email" },
        { FeedbackChannel.Letter, "letter" }, { FeedbackChannel.Kiosk, "kiosk" }, { FeedbackChannel.Staff, "staff" },
    };

    public static readonly TheoryData<LetterKind, string> LetterKinds = new()
    {
        { LetterKind.Interim, "interim" }, { LetterKind.Final, "final" },
    };

    public static readonly TheoryData<DeadlineKind, string> DeadlineKinds = new()
    {
        { DeadlineKind.Acknowledge, "acknowledge" }, { DeadlineKind.InterimNotice, "interim-notice" }, { DeadlineKind.Response, "response" },
    };

    public static readonly TheoryData<SlaState, string> SlaStates = new()
    {
        { SlaState.OnTrack, "on-track" }, { SlaState.Breached, "breached" }, { SlaState.Met, "met" }, { SlaState.Stopped, "stopped" },
    };

    public static readonly TheoryData<EscalationReason, string> Reasons = new()
    {
        { EscalationReason.Opened, "opened" }, { EscalationReason.DeadlineMissed, "deadline-missed" },
        { EscalationReason.CriticalSeverity, "critical-severity" }, { EscalationReason.Manual, "manual" }, { EscalationReason.Reopened, "reopened" },
        { EscalationReason.CriticalTriage, "critical-triage" },
    };

    public static readonly TheoryData<SubmissionOrigin, string> Origins = new()
    {
        { SubmissionOrigin.Anonymous, "anonymous" }, { SubmissionOrigin.Staff, "staff" }, { SubmissionOrigin.Integration, "integration" },
    };

    public static readonly TheoryData<NotificationChannel, string> NotificationChannels = new()
    {
        { NotificationChannel.Email, "email" }, { NotificationChannel.Sms, "sms" }, { NotificationChannel.Pager, "pager" }, { NotificationChannel.Inbox, "inbox" },
    };

    public static readonly TheoryData<StaffRole, string> Roles = new()
    {
        { StaffRole.PatientRelations, "patient-relations" }, { StaffRole.Advocate, "advocate" }, { StaffRole.UnitManager, "unit-manager" },
        { StaffRole.DepartmentHead, "department-head" }, { StaffRole.Executive, "executive" }, { StaffRole.Compliance, "compliance" },
        { StaffRole.Analyst, "analyst" }, { StaffRole.Admin, "admin" },
    };

    public static readonly TheoryData<AssignmentMode, string> AssignmentModes = new()
    {
        { AssignmentMode.Auto, "auto" }, { AssignmentMode.Manual, "manual" },
    };

    public static readonly TheoryData<ComplainantStage, string> ComplainantStages = new()
    {
        { ComplainantStage.Received, "received" }, { ComplainantStage.BeingLookedInto, "being-looked-into" },
        { ComplainantStage.ResponseSent, "response-sent" }, { ComplainantStage.Resolved, "resolved" }, { ComplainantStage.Closed, "closed" },
    };

    public static readonly TheoryData<ComplainantMessageKind, string> ComplainantMessageKinds = new()
    {
        { ComplainantMessageKind.Acknowledgement, "acknowledgement" }, { ComplainantMessageKind.StaffReply, "staff-reply" }, { ComplainantMessageKind.LinkReissued, "link-reissued" },
    };

    public static readonly TheoryData<SecureMessageSender, string> Senders = new()
    {
        { SecureMessageSender.Complainant, "complainant" }, { SecureMessageSender.Staff, "staff" },
    };

    public static readonly TheoryData<TaskNoticeKind, string> TaskNoticeKinds = new()
    {
        { TaskNoticeKind.Reminder, "reminder" }, { TaskNoticeKind.Overdue, "overdue" },
    };

    public static readonly TheoryData<ImprovementActionStatus, string> ImprovementActionStatuses = new()
    {
        { ImprovementActionStatus.Proposed, "proposed" }, { ImprovementActionStatus.InProgress, "in-progress" },
        { ImprovementActionStatus.Done, "done" }, { ImprovementActionStatus.Verified, "verified" },
    };

    [Theory, MemberData(nameof(ImprovementActionStatuses))] public void Improvement_action_status_keeps_its_wire_string(ImprovementActionStatus v, string wire) => AssertWire(v, wire);

    public static readonly TheoryData<OutreachEventKind, string> OutreachEventKinds = new()
    {
        { OutreachEventKind.FocusGroup, "focus-group" }, { OutreachEventKind.CommunityEvent, "community-event" },
    };

    [Theory, MemberData(nameof(OutreachEventKinds))] public void Outreach_event_kind_keeps_its_wire_string(OutreachEventKind v, string wire) => AssertWire(v, wire);

    public static readonly TheoryData<OutreachEventStatus, string> OutreachEventStatuses = new()
    {
        { OutreachEventStatus.Planned, "planned" }, { OutreachEventStatus.Recruiting, "recruiting" }, { OutreachEventStatus.Full, "full" },
        { OutreachEventStatus.Held, "held" }, { OutreachEventStatus.Cancelled, "cancelled" },
    };

    [Theory, MemberData(nameof(OutreachEventStatuses))] public void Outreach_event_status_keeps_its_wire_string(OutreachEventStatus v, string wire) => AssertWire(v, wire);

    public static readonly TheoryData<OutreachMessageKind, string> OutreachMessageKinds = new()
    {
        { OutreachMessageKind.Invitation, "invitation" }, { OutreachMessageKind.Reminder, "reminder" },
    };

    [Theory, MemberData(nameof(OutreachMessageKinds))] public void Outreach_message_kind_keeps_its_wire_string(OutreachMessageKind v, string wire) => AssertWire(v, wire);
    public static readonly TheoryData<GuidanceKind, string> GuidanceKinds = new()
    {
        { GuidanceKind.Guidance, "guidance" }, { GuidanceKind.PatientResource, "patient-resource" },
    };

    [Theory, MemberData(nameof(GuidanceKinds))] public void Guidance_kind_keeps_its_wire_string(GuidanceKind v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(TaskNoticeKinds))] public void Task_notice_kind_keeps_its_wire_string(TaskNoticeKind v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Senders))] public void Secure_message_sender_keeps_its_wire_string(SecureMessageSender v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(AssignmentModes))] public void Assignment_mode_keeps_its_wire_string(AssignmentMode v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(ComplainantStages))] public void Complainant_stage_keeps_its_wire_string(ComplainantStage v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(ComplainantMessageKinds))] public void Complainant_message_kind_keeps_its_wire_string(ComplainantMessageKind v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Severities))] public void Severity_keeps_its_wire_string(Severity v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Levels))] public void Escalation_level_keeps_its_wire_string(EscalationLevel v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Statuses))] public void Case_status_keeps_its_wire_string(CaseStatus v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(CaseTypes))] public void Case_type_keeps_its_wire_string(CaseType v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(CaseSources))] public void Case_source_keeps_its_wire_string(CaseSource v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Kinds))] public void Feedback_kind_keeps_its_wire_string(FeedbackKind v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Channels))] public void Feedback_channel_keeps_its_wire_string(FeedbackChannel v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(LetterKinds))] public void Letter_kind_keeps_its_wire_string(LetterKind v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(DeadlineKinds))] public void Deadline_kind_keeps_its_wire_string(DeadlineKind v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(SlaStates))] public void Sla_state_keeps_its_wire_string(SlaState v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Origins))] public void Submission_origin_keeps_its_wire_string(SubmissionOrigin v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Reasons))] public void Escalation_reason_keeps_its_wire_string(EscalationReason v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(NotificationChannels))] public void Notification_channel_keeps_its_wire_string(NotificationChannel v, string wire) => AssertWire(v, wire);
    [Theory, MemberData(nameof(Roles))] public void Staff_role_keeps_its_claim_string(StaffRole v, string wire)
    {
        AssertWire(v, wire);
        Assert.Equal(wire, v.ToClaim());
    }

    [Fact]
    public void Every_value_has_a_row()
    {
        AssertComplete(Severities);
        AssertComplete(Levels);
        AssertComplete(Statuses);
        AssertComplete(CaseTypes);
        AssertComplete(CaseSources);
        AssertComplete(Kinds);
        AssertComplete(Channels);
        AssertComplete(LetterKinds);
        AssertComplete(DeadlineKinds);
        AssertComplete(SlaStates);
        AssertComplete(Reasons);
        AssertComplete(Origins);
        AssertComplete(NotificationChannels);
        AssertComplete(Roles);
        AssertComplete(AssignmentModes);
        AssertComplete(ComplainantStages);
        AssertComplete(ComplainantMessageKinds);
        AssertComplete(Senders);
        AssertComplete(TaskNoticeKinds);
        AssertComplete(GuidanceKinds);
        AssertComplete(ImprovementActionStatuses);
        AssertComplete(OutreachEventKinds);
        AssertComplete(OutreachEventStatuses);
        AssertComplete(OutreachMessageKinds);
    }

    [Theory]
    [InlineData("\"severe\"")]
    [InlineData("\"Critical\"")]
    [InlineData("\"CRITICAL\"")]
    [InlineData("\"\"")]
    [InlineData("3")]
    public void An_unknown_value_is_refused_by_every_serializer(string json)
    {
        foreach (var options in Serializers())
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Severity>(json, options));
        var text = json.Trim('"');
        Assert.False(Wire.TryParse<Severity>(text, out _));
        Assert.Throws<FormatException>(() => Wire.Parse<Severity>(text));
    }

    [Fact]
    public void The_level_above_follows_the_chain_and_stops_at_the_top()
    {
        Assert.Equal(EscalationLevel.Department, EscalationLevel.Unit.Next());
        Assert.Equal(EscalationLevel.Executive, EscalationLevel.Department.Next());
        Assert.Null(EscalationLevel.Executive.Next());
    }

    [Fact]
    public void Null_stays_null_on_the_wire()
    {
        Assert.Null(((Severity?)null).ToWire());
        Assert.Null(Wire.ParseOptional<Severity>(null));
        Assert.False(Wire.TryParse<Severity>(null, out _));
    }

    private static IEnumerable<JsonSerializerOptions> Serializers() =>
        [JsonSerializerOptions.Web, StoreJson.Options, SystemTextJsonMessageSerializer.Options];

    private static void AssertWire<T>(T value, string wire) where T : struct, Enum
    {
        Assert.Equal(wire, value.ToWire());
        Assert.True(Wire.TryParse<T>(wire, out var parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(value, Wire.Parse<T>(wire));
        foreach (var options in Serializers())
        {
            Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(value, options));
            Assert.Equal(value, JsonSerializer.Deserialize<T>($"\"{wire}\"", options));
            // As a property of a message or document, nullable or not, and in a list.
            Assert.Equal($"{{\"value\":\"{wire}\",\"maybe\":\"{wire}\",\"list\":[\"{wire}\"]}}",
                JsonSerializer.Serialize(new Holder<T>(value, value, [value]), new JsonSerializerOptions(options) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false }));
        }
    }

    private static void AssertComplete<T>(TheoryData<T, string> table) where T : struct, Enum
    {
        var rows = table.Select(r => r.Data.Item1).ToHashSet();
        Assert.Equal(Enum.GetValues<T>().ToHashSet(), rows);
        Assert.Equal(Wire.All<T>(), table.Select(r => r.Data.Item2));
    }

    private sealed record Holder<T>(T Value, T? Maybe, IReadOnlyList<T> List) where T : struct, Enum;
}
