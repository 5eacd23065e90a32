using System.Text.Json;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Intake.Feedback;

/// <summary>
/// What came in, as stored. Everything that identifies the patient or tells their story (names, contact details, MRN,
/// the description) is kept only inside <see cref="ProtectedContent"/>, encrypted; the rest is what queries and events need.
/// </summary>
public sealed class Submission
{
    public required Guid Id { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required FeedbackChannel Channel { get; init; }
    public FeedbackKind? Kind { get; init; }
    public required bool ResponseRequested { get; init; }
    public required bool PatientIdentified { get; init; }
    public string? SubmitterRelationship { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public required string Status { get; set; }
    public Guid? CaseId { get; set; }
    public string? IdempotencyKey { get; init; }
    /// <summary>SHA-256 of the request, to tell a retry (same body) from a reused key (different body).</summary>
    public string? RequestHash { get; init; }
    public required string ProtectedContent { get; init; }
    /// <summary>Safety indicators found by screening (words, not text): classification hints for the case service.</summary>
    public IReadOnlyList<string> Indicators { get; init; } = [];
    public IReadOnlyList<string> CategoryHints { get; init; } = [];
    /// <summary>The patient's preferred language tag (not PHI): the case service matches advocates on it.</summary>
    public string? PreferredLanguage { get; init; }
    /// <summary>Keyed hash of the MRN (<see cref="Discharges.PatientReferences"/>), never the MRN: tells the case service a patient returned.</summary>
    public string? PatientReference { get; init; }
    /// <summary>The channel it came through: anonymous, or authenticated (staff, integration). Stored before it existed: anonymous.</summary>
    public SubmissionOrigin SubmittedBy { get; init; } = SubmissionOrigin.Anonymous;

    public bool IsCompliment => Kind == FeedbackKind.Compliment;

    public const string Received = "received";
    public const string CaseOpened = "case-opened";

    public static Submission Accept(SubmitFeedbackRequest request, string? idempotencyKey, string requestHash, DateTimeOffset now, IPhiProtector phi,
        Discharges.PatientReferences? references = null, SubmissionOrigin submittedBy = SubmissionOrigin.Anonymous)
    {
        var mrn = request.Patient?.Mrn?.Trim();
        var content = new ProtectedSubmissionContent(request.Description!, request.Patient, request.Submitter);
        var screening = FeedbackScreening.Screen(request.Description!);
        var id = Guid.CreateVersion7(now);
        return new Submission
        {
            Id = id,
            FacilityId = request.FacilityId!,
            DepartmentId = request.DepartmentId,
            UnitId = request.UnitId,
            Channel = Wire.Parse<FeedbackChannel>(request.Channel!),
            Kind = Wire.ParseOptional<FeedbackKind>(request.Kind),
            ResponseRequested = request.ResponseRequested,
            PatientIdentified = !string.IsNullOrWhiteSpace(request.Patient?.Mrn) || !string.IsNullOrWhiteSpace(request.Patient?.Name),
            SubmitterRelationship = request.Submitter?.Relationship,
            SubmittedAt = now,
            Status = Received,
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
            ProtectedContent = phi.Protect(JsonSerializer.Serialize(content, JsonSerializerOptions.Web), RecordOf(id)),
            Indicators = screening.Indicators,
            CategoryHints = screening.CategoryHints,
            PreferredLanguage = string.IsNullOrWhiteSpace(request.Patient?.PreferredLanguage) ? null : request.Patient.PreferredLanguage.Trim(),
            PatientReference = string.IsNullOrEmpty(mrn) || references is null ? null : references.ForSubmittedMrn(request.FacilityId!, mrn),
            SubmittedBy = submittedBy,
        };
    }

    public FeedbackSubmitted ToEvent() => new()
    {
        SubmissionId = Id,
        FacilityId = FacilityId,
        DepartmentId = DepartmentId,
        UnitId = UnitId,
        Channel = Channel,
        Kind = Kind,
        ResponseRequested = ResponseRequested,
        PatientIdentified = PatientIdentified,
        SubmittedAt = SubmittedAt,
        Indicators = Indicators,
        CategoryHints = CategoryHints,
        PreferredLanguage = PreferredLanguage,
        PatientReference = PatientReference,
        SubmittedBy = SubmittedBy,
    };

    public ComplimentReceived ToComplimentEvent() => new()
    {
        SubmissionId = Id,
        FacilityId = FacilityId,
        DepartmentId = DepartmentId,
        UnitId = UnitId,
        Channel = Channel,
        SubmittedAt = SubmittedAt,
    };

    public ProtectedSubmissionContent Reveal(IPhiProtector phi) =>
        JsonSerializer.Deserialize<ProtectedSubmissionContent>(phi.Unprotect(ProtectedContent, RecordOf(Id)), JsonSerializerOptions.Web)!;

    /// <summary>What the protected content is bound to: a submission's ciphertext does not decrypt on another submission.</summary>
    public static PhiRecord RecordOf(Guid id) => new("submission", id);

    /// <summary>Records the case opened for this submission. Returns false when that is already known (a redelivered event).</summary>
    public bool LinkCase(Guid caseId)
    {
        if (Status == CaseOpened && CaseId == caseId) return false;
        Status = CaseOpened;
        CaseId = caseId;
        return true;
    }
}

/// <summary>The PHI of a submission, only ever stored encrypted.</summary>
public sealed record ProtectedSubmissionContent(string Description, PatientDetails? Patient, SubmitterDetails? Submitter);
