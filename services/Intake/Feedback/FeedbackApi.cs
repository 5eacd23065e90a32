using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Intake.Audit;
using PatientExperience.Intake.Facilities;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Feedback;

public static class FeedbackApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapFeedbackApi(this RouteGroupBuilder api)
    {
        var feedback = api.MapGroup("/feedback").WithTags("Feedback");

        feedback.MapPost("", SubmitAsync)
            .AllowAnonymous()
            .WithName("SubmitFeedback")
            .WithSummary("Submit a concern, complaint, grievance, compliment, suggestion or question.")
            .WithDescription("Anonymous (public forms, kiosks) or staff. A staff token with a platform role for the facility (staff logging a call) or an integration client's token records the submission as authenticated (submittedBy staff or integration); otherwise it is anonymous, and a critical concern goes to triage before anyone is paged. Send an Idempotency-Key header to make retries safe: the same key and body return the same submission.");

        feedback.MapGet("/{id:guid}", GetAsync)
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithName("GetFeedback")
            .WithSummary("A submission with its status and, once opened, its case. The read of patient details is audited.");

        return api;
    }

    internal static async Task<Results<Accepted<SubmissionAccepted>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        SubmitFeedbackRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user,
        FeedbackValidator validator,
        IFacilityDirectory directory,
        SubmissionStore store,
        IntakePhiProtector phi,
        TimeProvider clock,
        Discharges.PatientReferences references,
        IntakeAuditLog audit,
        CancellationToken ct)
    {
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 128 || idempotencyKey.Any(c => c < 0x21 || c > 0x7e)))
        {
            return ProblemResults.Validation(new Dictionary<string, string[]> { [IdempotencyKeyHeader] = ["Must be 1 to 128 visible ASCII characters."] });
        }

        FacilityLookup lookup;
        if (string.IsNullOrWhiteSpace(request.FacilityId))
        {
            lookup = new FacilityLookup(true, null);
        }
        else
        {
            try
            {
                lookup = await directory.FindAsync(request.FacilityId, ct);
            }
            catch (DirectoryUnavailableException)
            {
                return ProblemResults.Unavailable("The facility directory cannot be reached to check the facility; nothing was stored. Try again shortly.");
            }
        }

        var errors = validator.Validate(request, lookup.Facility, lookup.Known);
        if (errors.Count > 0) return ProblemResults.Validation(errors);

        var hash = RequestHash(request);
        if (idempotencyKey is not null && await ReplayAsync(store, idempotencyKey, hash, ct) is { } replay) return replay;

        var submission = Submission.Accept(request, idempotencyKey, hash, clock.GetUtcNow(), phi, references, OriginOf(user, request.FacilityId!));
        try
        {
            await store.AddAsync(submission, ct);
        }
        catch (DuplicateDocumentException) when (idempotencyKey is not null)
        {
            // A concurrent request with the same key won the race: answer as it did.
            return await ReplayAsync(store, idempotencyKey, hash, ct) ?? throw new InvalidOperationException("Idempotency key taken but not found.");
        }

        // Every submission holds the submitter's words (PHI): its creation is in the chain. A replay above created nothing.
        await audit.RecordAsync(Submitter(user, submission), CreateAction, submission.Id, submission.FacilityId, ct);

        return Accepted(submission.Id);
    }

    /// <summary>The audit action of a submission's creation.</summary>
    public const string CreateAction = "submission.create";

    /// <summary>
    /// Who the audit names as a submission's author: the member of staff or integration client whose token it came with, or
    /// for an anonymous one the channel only (<c>anonymous via web</c>), never a name the submitter gave. The client address and
    /// correlation id are recorded with every entry.
    /// </summary>
    internal static ClaimsPrincipal Submitter(ClaimsPrincipal user, Submission submission) =>
        submission.SubmittedBy == SubmissionOrigin.Anonymous
            ? new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", $"anonymous via {submission.Channel.ToWire()}")]))
            : user;

    /// <summary>
    /// The channel a submission came through: <c>staff</c> when the caller's token carries a platform role and covers the
    /// facility (staff logging a call), <c>integration</c> for an integration client of the facility, <c>anonymous</c> otherwise
    /// (no token, or one for other facilities: the public form's rules apply). A critical concern from an anonymous channel
    /// goes to triage before anyone is paged.
    /// </summary>
    internal static SubmissionOrigin OriginOf(ClaimsPrincipal user, string facilityId)
    {
        if (!user.CanAccessFacility(facilityId)) return SubmissionOrigin.Anonymous;
        if (PlatformClaims.Roles.Any(user.IsInRole)) return SubmissionOrigin.Staff;
        return user.IsInRole(PlatformClaims.IntegrationRole) ? SubmissionOrigin.Integration : SubmissionOrigin.Anonymous;
    }

    private static async Task<Results<Accepted<SubmissionAccepted>, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        SubmissionStore store, string key, string hash, CancellationToken ct)
    {
        var existing = await store.FindByIdempotencyKeyAsync(key, ct);
        if (existing is null) return null;
        if (existing.Document.RequestHash != hash)
        {
            return ProblemResults.Unprocessable("Idempotency-Key reused.", "This Idempotency-Key was already used with a different request; nothing was stored. Use a new key for a new submission.");
        }

        return Accepted(existing.Document.Id);
    }

    private static Accepted<SubmissionAccepted> Accepted(Guid id) => TypedResults.Accepted($"/api/v1/feedback/{id}", new SubmissionAccepted(id));

    private static string RequestHash(SubmitFeedbackRequest request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

    internal static async Task<Results<Ok<SubmissionView>, NotFound, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, SubmissionStore store, IntakePhiProtector phi, IntakeAuditLog audit, CancellationToken ct)
    {
        var stored = await store.GetAsync(id, ct);
        // Outside the caller's facilities a submission does not exist, so its existence is not disclosed either.
        if (stored is null) return TypedResults.NotFound();
        if (!user.CanAccessFacility(stored.Document.FacilityId))
        {
            await audit.RecordDeniedAsync(user, "feedback.read", id, stored.Document.FacilityId, ct);
            return TypedResults.NotFound();
        }

        // A submission is the patient's own words and details: an analyst's role reads reports and de-identified cases only.
        if (!user.Has(Permission.ReadPatientData))
        {
            await audit.RecordDeniedAsync(user, "feedback.read", id, stored.Document.FacilityId, ct);
            return ProblemResults.Forbidden("Your role reads reports and de-identified cases, not a submission's details.");
        }

        var s = stored.Document;
        await audit.RecordAsync(user, "feedback.read", s.Id, s.FacilityId, ct);
        var content = s.Reveal(phi);
        return TypedResults.Ok(new SubmissionView
        {
            SubmissionId = s.Id,
            FacilityId = s.FacilityId,
            DepartmentId = s.DepartmentId,
            UnitId = s.UnitId,
            Channel = s.Channel.ToWire(),
            Kind = s.Kind.ToWire(),
            Status = s.Status,
            CaseId = s.CaseId,
            ResponseRequested = s.ResponseRequested,
            SubmittedAt = s.SubmittedAt,
            Description = content.Description,
            Patient = content.Patient,
            Submitter = content.Submitter,
        });
    }
}
