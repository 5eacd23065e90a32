using System.Security.Claims;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PatientExperience.Intake.Facilities;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using static Hl7.Fhir.Model.OperationOutcome;

namespace PatientExperience.Intake.Discharges;

/// <summary>
/// The EHR's discharge feed: FHIR R4 Encounters (with their Patient) from an integration client. Every answer is an
/// OperationOutcome: one issue per Bundle entry, or one for a lone Encounter. See docs/api.md for the mapping and the codes.
/// </summary>
public static partial class DischargeFeedApi
{
    public static RouteGroupBuilder MapDischargeFeedApi(this RouteGroupBuilder api)
    {
        // The feed bounds its own body (Intake:MaxFhirBodyBytes) and answers 413 with an OperationOutcome, not the platform's problem.
        var fhir = api.MapGroup("/fhir").WithTags("FHIR discharge feed").RequireAuthorization(AuthenticationExtensions.IntegrationPolicy).WithOwnBodyLimit();

        fhir.MapPost("", PostBundleAsync)
            .WithName("PostFhirBundle")
            .WithSummary("The EHR sends a FHIR R4 Bundle (transaction, batch or collection) of Encounters and their Patients.")
            .WithDescription("Integration clients only (role 'integration', scoped to facilities). Each finished inpatient Encounter becomes a discharge and publishes PatientDischarged once, however often it is sent. Answers an OperationOutcome with one issue per entry; a transaction is refused whole (400 or 403) when any Encounter in it is refused.")
            .AddOpenApiOperationTransformer(DescribeFhirBody)
            .Produces<FhirResource>(StatusCodes.Status200OK, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status400BadRequest, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status403Forbidden, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status413PayloadTooLarge, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status415UnsupportedMediaType, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status503ServiceUnavailable, FhirMessages.FhirJson);

        fhir.MapPost("/Encounter", PostEncounterAsync)
            .WithName("PostFhirEncounter")
            .WithSummary("The EHR sends one FHIR R4 Encounter whose Patient is contained in it.")
            .WithDescription("Integration clients only. Answers an OperationOutcome: accepted (with the discharge id), ignored with its reason, 400 when invalid, 403 outside the client's facilities.")
            .AddOpenApiOperationTransformer(DescribeFhirBody)
            .Produces<FhirResource>(StatusCodes.Status200OK, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status400BadRequest, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status403Forbidden, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status413PayloadTooLarge, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status415UnsupportedMediaType, FhirMessages.FhirJson)
            .Produces<FhirResource>(StatusCodes.Status503ServiceUnavailable, FhirMessages.FhirJson);

        return api;
    }

    internal static async Task<FhirResult> PostEncounterAsync(HttpRequest request, ClaimsPrincipal user, DischargeFeed feed, IOptions<IntakeOptions> options, ILoggerFactory logs, CancellationToken ct)
    {
        var read = await FhirMessages.ReadAsync(request, options.Value.MaxFhirBodyBytes, ct);
        if (read.Refusal is { } refusal) return new FhirResult(read.Status, refusal);
        if (read.Resource is not Encounter encounter)
            return Refused(StatusCodes.Status400BadRequest, IssueType.NotSupported, "POST an Encounter here (resourceType 'Encounter'), or a Bundle to /api/v1/fhir.");

        FeedResult result;
        try
        {
            var check = await feed.CheckAsync(user, encounter, ContainedSubject(encounter), ct);
            result = check.Refusal ?? await feed.RecordAsync(check.Discharge!, ct);
        }
        catch (DirectoryUnavailableException)
        {
            return Unavailable();
        }

        Log(logs, 1, result.Outcome == FeedOutcome.Accepted ? 1 : 0, result.Outcome == FeedOutcome.Ignored ? 1 : 0);
        var status = result.Outcome switch
        {
            FeedOutcome.Invalid => StatusCodes.Status400BadRequest,
            FeedOutcome.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status200OK,
        };
        return new FhirResult(status, new OperationOutcome { Issue = [FhirMessages.IssueFor(result, "Encounter")] });
    }

    internal static async Task<FhirResult> PostBundleAsync(HttpRequest request, ClaimsPrincipal user, DischargeFeed feed, IOptions<IntakeOptions> options, ILoggerFactory logs, CancellationToken ct)
    {
        var read = await FhirMessages.ReadAsync(request, options.Value.MaxFhirBodyBytes, ct);
        if (read.Refusal is { } refusal) return new FhirResult(read.Status, refusal);
        if (read.Resource is not Bundle bundle)
            return Refused(StatusCodes.Status400BadRequest, IssueType.NotSupported, "POST a Bundle here (resourceType 'Bundle'), or a lone Encounter to /api/v1/fhir/Encounter.");
        if (bundle.Type is not (Bundle.BundleType.Transaction or Bundle.BundleType.Batch or Bundle.BundleType.Collection))
            return Refused(StatusCodes.Status400BadRequest, IssueType.NotSupported, "Bundle.type must be transaction, batch or collection.");

        // Check every entry before recording any, so a transaction is refused whole.
        var results = new FeedResult?[bundle.Entry.Count];
        var prepared = new PreparedDischarge?[bundle.Entry.Count];
        var subjects = new Dictionary<int, int>();
        try
        {
            for (var i = 0; i < bundle.Entry.Count; i++)
            {
                if (bundle.Entry[i].Resource is not Encounter encounter) continue;
                var (patient, patientIndex) = Subject(bundle, encounter);
                if (patientIndex is { } p) subjects.TryAdd(p, i);
                var check = await feed.CheckAsync(user, encounter, patient, ct);
                results[i] = check.Refusal;
                prepared[i] = check.Discharge;
            }
        }
        catch (DirectoryUnavailableException)
        {
            return Unavailable();
        }

        var refusedWhole = bundle.Type == Bundle.BundleType.Transaction
            && results.Any(r => r?.Outcome is FeedOutcome.Invalid or FeedOutcome.Forbidden);
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (prepared[i] is { } discharge)
            {
                results[i] = refusedWhole
                    ? FeedResult.Ignored(FeedReasons.TransactionRefused, "Not recorded: another entry of this transaction was refused, so none of it was recorded.")
                    : await feed.RecordAsync(discharge, ct);
            }
            else if (results[i] is null)
            {
                results[i] = subjects.TryGetValue(i, out var by)
                    ? FeedResult.Ignored(FeedReasons.PatientOfEncounter, $"Read as the subject of the Encounter at Bundle.entry[{by}].")
                    : FeedResult.Ignored(FeedReasons.NotAnEncounter, "Ignored: only Encounters (and the Patients they refer to) are read from the feed.");
            }
        }

        var outcome = new OperationOutcome();
        for (var i = 0; i < results.Length; i++) outcome.Issue.Add(FhirMessages.IssueFor(results[i]!, $"Bundle.entry[{i}]"));
        if (outcome.Issue.Count == 0) outcome.Issue.Add(new IssueComponent { Severity = IssueSeverity.Information, Code = IssueType.Informational, Details = new CodeableConcept { Text = "The Bundle has no entries." } });

        Log(logs, results.Length, results.Count(r => r!.Outcome == FeedOutcome.Accepted), results.Count(r => r!.Outcome == FeedOutcome.Ignored));
        var status = !refusedWhole ? StatusCodes.Status200OK
            : results.Any(r => r!.Outcome == FeedOutcome.Invalid) ? StatusCodes.Status400BadRequest
            : StatusCodes.Status403Forbidden;
        return new FhirResult(status, outcome);
    }

    /// <summary>The Encounter's subject among its contained resources (<c>#id</c>), or its only contained Patient when it names none.</summary>
    private static Patient? ContainedSubject(Encounter encounter)
    {
        var contained = encounter.Contained.OfType<Patient>().ToList();
        var reference = encounter.Subject?.Reference;
        if (string.IsNullOrEmpty(reference)) return contained.Count == 1 ? contained[0] : null;
        return reference.StartsWith('#') ? contained.FirstOrDefault(p => p.Id == reference[1..]) : null;
    }

    /// <summary>The Encounter's subject: contained, or the Bundle entry whose fullUrl or <c>Patient/id</c> it references.</summary>
    private static (Patient? Patient, int? Index) Subject(Bundle bundle, Encounter encounter)
    {
        var reference = encounter.Subject?.Reference;
        if (string.IsNullOrEmpty(reference) || reference.StartsWith('#')) return (ContainedSubject(encounter), null);
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (bundle.Entry[i].Resource is not Patient patient) continue;
            if (bundle.Entry[i].FullUrl == reference
                || (!string.IsNullOrEmpty(patient.Id) && (reference == "Patient/" + patient.Id || reference.EndsWith("/Patient/" + patient.Id, StringComparison.Ordinal))))
            {
                return (patient, i);
            }
        }

        return (null, null);
    }

    /// <summary>
    /// The request body in the OpenAPI document. Not declared with <c>Accepts</c>: that would let routing answer another media
    /// type with a problem-details 415, where the EHR must get an OperationOutcome.
    /// </summary>
    private static System.Threading.Tasks.Task DescribeFhirBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "A FHIR R4 resource in JSON.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [FhirMessages.FhirJson] = new() { Schema = new OpenApiSchemaReference(nameof(FhirResource), context.Document) },
                [FhirMessages.Json] = new() { Schema = new OpenApiSchemaReference(nameof(FhirResource), context.Document) },
            },
        };
        return System.Threading.Tasks.Task.CompletedTask;
    }

    private static FhirResult Refused(int status, IssueType type, string text) => new(status, FhirMessages.Outcome(IssueSeverity.Error, type, text));

    private static FhirResult Unavailable() =>
        Refused(StatusCodes.Status503ServiceUnavailable, IssueType.Transient, "The organisation directory cannot be reached to check the facility; nothing was recorded. Send again shortly.");

    private static void Log(ILoggerFactory logs, int resources, int accepted, int ignored) =>
        LogFeed(logs.CreateLogger("PatientExperience.Intake.Discharges"), resources, accepted, ignored, resources - accepted - ignored);

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR discharge feed: {Resources} resources, {Accepted} accepted, {Ignored} ignored, {Refused} refused")]
    private static partial void LogFeed(ILogger logger, int resources, int accepted, int ignored, int refused);
}

/// <summary>OpenAPI placeholder for a FHIR R4 resource in JSON (a Bundle, an Encounter, an OperationOutcome): see the FHIR specification.</summary>
public sealed class FhirResource
{
    /// <summary>The FHIR resource type, e.g. Bundle, Encounter or OperationOutcome.</summary>
    public string ResourceType { get; init; } = "";
}
