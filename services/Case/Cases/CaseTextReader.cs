using System.Security.Claims;
using System.Text.Json;
using PatientExperience.Case.Audit;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Cases;

/// <summary>The full text of a letter, as kept encrypted with the case.</summary>
public sealed record LetterContent(string? ContactName, string? StepsTaken, string? Results, DateOnly? CompletionDate, string? Body);

/// <summary>Protects staff-written text for one case: what it writes decrypts on that case only.</summary>
public sealed class CaseTextProtector(IPhiProtector phi, PhiRecord record)
{
    public string Protect(string text) => phi.Protect(text, record);

    public string Protect(LetterContent letter) => phi.Protect(JsonSerializer.Serialize(letter, JsonSerializerOptions.Web), record);
}

/// <summary>Protects staff-written text for storage, and decrypts a case's text for its detail view, auditing the read.</summary>
public sealed class CaseTextReader(CasePhiProtector phi, CaseAuditLog audit)
{
    /// <summary>What a case's text (notes, tasks, letters, reasons, also once archived) is bound to.</summary>
    public static PhiRecord RecordOf(Guid caseId) => new("case", caseId);

    /// <summary>The protector of <paramref name="c"/>'s text: <c>text.For(c).Protect</c> where a case method takes a protect function.</summary>
    public CaseTextProtector For(CaseFile c) => new(phi, RecordOf(c.Id));

    /// <summary>Records a change staff made to a case (after it was saved).</summary>
    public Task RecordChangeAsync(ClaimsPrincipal user, string action, CaseFile c, CancellationToken ct) =>
        audit.RecordAsync(user, action, c.Id, c.FacilityId, ct);

    /// <summary>Records a change that was refused (another facility's case, or a role that may not take the action).</summary>
    public Task RecordRefusedChangeAsync(ClaimsPrincipal user, string action, CaseFile c, CancellationToken ct) =>
        audit.RecordDeniedAsync(user, action, c.Id, c.FacilityId, ct);

    /// <summary>Records that the caller asked for a case outside their facilities (answered as not found).</summary>
    public Task RecordRefusedAsync(ClaimsPrincipal user, CaseFile c, CancellationToken ct) =>
        audit.RecordDeniedAsync(user, "case.read", c.Id, c.FacilityId, ct);

    /// <summary>
    /// Timeline entries for their view: staff's reasons decrypted for roles that may read patient data (the read audited when
    /// there is a reason to read), left out for the others.
    /// </summary>
    public async Task<IReadOnlyList<TimelineEntryView>> ReadTimelineAsync(ClaimsPrincipal user, CaseFile c, IReadOnlyList<CaseHistoryEntry> entries, CancellationToken ct)
    {
        if (!user.Has(Permission.ReadPatientData) || entries.All(h => h.ProtectedReason is null)) return TimelineEntryView.Of(entries, reason: null);
        await audit.RecordAsync(user, "case.read", c.Id, c.FacilityId, ct);
        var record = RecordOf(c.Id);
        return TimelineEntryView.Of(entries, reason: h => h.ProtectedReason is { } r ? phi.Unprotect(r, record) : null);
    }

    /// <summary>Notes decrypted, the read audited (the caller's role was checked to read patient data).</summary>
    public async Task<IReadOnlyList<NoteView>> ReadNotesAsync(ClaimsPrincipal user, CaseFile c, IReadOnlyList<CaseNote> notes, CancellationToken ct)
    {
        if (notes.Count == 0) return [];
        await audit.RecordAsync(user, "case.read", c.Id, c.FacilityId, ct);
        var record = RecordOf(c.Id);
        return notes.Select(n => new NoteView(n.Id, n.At, n.Author, phi.Unprotect(n.ProtectedText, record))).ToList();
    }

    /// <summary>
    /// The case's decrypted text (notes, tasks, letters, the reasons in its timeline), the read audited; null for a caller
    /// whose role may not read patient data (an analyst sees the case de-identified: no text at all).
    /// </summary>
    public async Task<CaseText?> ReadAsync(ClaimsPrincipal user, CaseFile c, CancellationToken ct)
    {
        if (!user.Has(Permission.ReadPatientData)) return null;
        if (c.Notes.Count == 0 && c.Tasks.Count == 0 && c.Letters.Count == 0 && c.History.All(h => h.ProtectedReason is null))
            return new CaseText([], [], [], TimelineEntryView.Of(c.History, reason: null));
        await audit.RecordAsync(user, "case.read", c.Id, c.FacilityId, ct);
        var record = RecordOf(c.Id);
        return new CaseText(
            c.Notes.Select(n => new NoteView(n.Id, n.At, n.Author, phi.Unprotect(n.ProtectedText, record))).ToList(),
            c.Tasks.Select(t => new TaskView(t.Id, t.DepartmentId, t.AssigneeId, phi.Unprotect(t.ProtectedDescription, record), t.DueAt, t.CreatedAt, t.CreatedBy,
                t.Status.ToWire(), t.ProtectedCompletionNote is { } note ? phi.Unprotect(note, record) : null, t.ClosedAt, t.ClosedBy)).ToList(),
            c.Letters.Select(l =>
            {
                var content = JsonSerializer.Deserialize<LetterContent>(phi.Unprotect(l.ProtectedBody, record), JsonSerializerOptions.Web)!;
                return new LetterView(l.Id, l.Kind.ToWire(), l.IssuedAt, l.IssuedBy, content.ContactName, content.StepsTaken, content.Results, content.CompletionDate, content.Body);
            }).ToList(),
            TimelineEntryView.Of(c.History, reason: h => h.ProtectedReason is { } r ? phi.Unprotect(r, record) : null));
    }
}
