using System.Security.Cryptography;
using System.Text;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Advocacy;

/// <summary>
/// An advocate given a leave period (new or changed, not yet over) while carrying open cases: the patient-relations leads of
/// each facility with such cases are told how many cases to reassign and where the suggestions are
/// (<c>GET /api/v1/advocates/{id}/reassignment-candidates</c>). The commands go in the same write as the person's change;
/// their ids are fixed by advocate, leave and facility, so the same leave saved again tells no one twice. No patient detail:
/// counts, dates and the advocate's directory name only.
/// </summary>
public sealed class LeaveReassignmentNotices(CaseloadStore caseloads, IEscalationDirectory directory)
{
    public async Task<IReadOnlyList<SendNotification>> ForAsync(Person before, Person after, string changedBy, DateTimeOffset now, CancellationToken ct)
    {
        if (!after.HasRole(StaffRole.Advocate) || after.OnLeave is not { } leave || leave.To <= now || leave == before.OnLeave) return [];
        var notices = new List<SendNotification>();
        foreach (var facility in (await caseloads.OpenCasesOfAsync([after.Id], ct)).GroupBy(c => c.Document.FacilityId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var triage = await directory.TriageAsync(facility.Key, null, null, ct);
            var leads = triage.Where(r => r.Role == StaffRole.PatientRelations.ToClaim()).ToList();
            var recipients = leads.Count > 0 ? leads : triage.ToList();
            if (recipients.Count == 0) continue;
            var count = facility.Count();
            notices.Add(new SendNotification
            {
                NotificationId = NoticeIdFor(after.Id, leave, facility.Key), FacilityId = facility.Key,
                Title = $"Cases to reassign: {after.Name} on leave from {leave.From:yyyy-MM-dd}",
                Message = $"Advocate {after.Name} ({after.Id}) is on leave from {leave.From:yyyy-MM-dd HH:mm} to {leave.To:yyyy-MM-dd HH:mm} UTC and carries " +
                          $"{count} open case{(count == 1 ? "" : "s")} at {facility.Key}. The advocate matching suggests who could take each one: " +
                          $"GET /api/v1/advocates/{after.Id}/reassignment-candidates, then assign each case.",
                Severity = Severity.Medium, Channels = [NotificationChannel.Inbox, NotificationChannel.Email],
                Recipients = recipients, RequestedBy = changedBy, RequestedAt = now,
            });
        }

        return notices;
    }

    public static Guid NoticeIdFor(string advocateId, LeavePeriod leave, string facilityId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{advocateId}/{leave.From:O}/{leave.To:O}/{facilityId}/leave-reassignment"), hash);
        return new Guid(hash[..16]);
    }
}
