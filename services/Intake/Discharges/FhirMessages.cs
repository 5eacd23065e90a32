using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using static Hl7.Fhir.Model.OperationOutcome;

namespace PatientExperience.Intake.Discharges;

/// <summary>A FHIR request body read as a resource, or the OperationOutcome (and status) that refuses it.</summary>
public sealed record FhirRead(Resource? Resource, int Status, OperationOutcome? Refusal);

/// <summary>
/// Reads FHIR R4 JSON with the Firely SDK (strict: unknown elements, wrong types, missing required elements and codes outside
/// their value sets are refused) and writes OperationOutcomes. Nothing the sender wrote is quoted back: an issue names the
/// element (a FHIRPath) and the Firely error code, in the platform's own words, because the input carries PHI.
/// </summary>
public static class FhirMessages
{
    public const string FhirJson = "application/fhir+json";
    public const string Json = "application/json";

    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    private static readonly Dictionary<string, string> FirelyWording = new(StringComparer.Ordinal)
    {
        ["PVAL105"] = "A required element is missing.",
        ["PVAL116"] = "A code is not in the element's value set.",
        ["PVAL124"] = "A value has the wrong format for its type.",
        ["PVAL128"] = "An element is not part of FHIR R4 for this resource.",
        ["PVAL129"] = "An element is empty.",
        ["PVAL130"] = "The resource type is not a FHIR R4 resource.",
    };

    /// <summary>Reads the request body, up to <paramref name="maxBytes"/>, as one FHIR resource.</summary>
    public static async Task<FhirRead> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, FhirJson, StringComparison.OrdinalIgnoreCase) && !string.Equals(mediaType, Json, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, IssueType.NotSupported, "The body must be FHIR R4 JSON: Content-Type application/fhir+json or application/json.");
        }

        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }

        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Parses FHIR R4 JSON into a resource, or a 400 OperationOutcome with one issue per problem found.</summary>
    public static FhirRead Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return Refuse(StatusCodes.Status400BadRequest, IssueType.Structure, "The body is empty: send a FHIR R4 resource.");
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            return new FhirRead(Deserializer.DeserializeResource(ref reader), StatusCodes.Status200OK, null);
        }
        catch (DeserializationFailedException e)
        {
            var outcome = new OperationOutcome();
            foreach (var problem in e.Exceptions.Take(50)) outcome.Issue.Add(IssueFor(problem));
            return new FhirRead(null, StatusCodes.Status400BadRequest, outcome);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            // Not JSON, or JSON that is not a resource (an array, a number): the parser's message may quote the input, so it is dropped.
            return Refuse(StatusCodes.Status400BadRequest, IssueType.Structure, "The body is not a FHIR R4 JSON resource (malformed JSON, or not a JSON object with a resourceType).");
        }
    }

    private static IssueComponent IssueFor(CodedException problem)
    {
        var extended = problem as ExtendedCodedException;
        var wording = FirelyWording.GetValueOrDefault(problem.ErrorCode) ?? (problem.ErrorCode.StartsWith("JSON", StringComparison.Ordinal)
            ? "The JSON is not valid FHIR JSON here."
            : "The resource is not valid FHIR R4 here.");
        var issue = new IssueComponent
        {
            Severity = IssueSeverity.Error,
            Code = extended?.IssueType is { } type && type != IssueType.Unknown ? type : IssueType.Invalid,
            Details = new CodeableConcept { Text = wording },
            Diagnostics = $"Firely {problem.ErrorCode}" + (extended?.LineNumber is { } line ? $" at line {line}, position {extended.Position}" : ""),
        };
        if (SafePath(problem.ErrorCode, extended?.InstancePath) is { } path) issue.Expression = [path];
        return issue;
    }

    /// <summary>
    /// The FHIRPath of a problem, without what the sender chose: an unknown element's name is the sender's text (and could be
    /// anything, a patient's name included), so its parent is named instead.
    /// </summary>
    private static string? SafePath(string errorCode, string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (errorCode != UnknownElement) return path;
        var dot = path.LastIndexOf('.');
        return dot > 0 ? path[..dot] : null;
    }

    private const string UnknownElement = "PVAL128";

    public static FhirRead Refuse(int status, IssueType type, string text) => new(null, status, Outcome(IssueSeverity.Error, type, text));

    private static FhirRead TooLarge(int maxBytes) =>
        Refuse(StatusCodes.Status413PayloadTooLarge, IssueType.TooLong, $"The body is larger than {maxBytes} bytes: send fewer entries per Bundle.");

    public static OperationOutcome Outcome(IssueSeverity severity, IssueType type, string text) => new()
    {
        Issue = [new IssueComponent { Severity = severity, Code = type, Details = new CodeableConcept { Text = text } }],
    };

    /// <summary>The issue that answers one resource of the feed, coded in <see cref="FeedReasons.System"/>.</summary>
    public static IssueComponent IssueFor(FeedResult result, string expression)
    {
        var (severity, type) = result.Outcome switch
        {
            FeedOutcome.Accepted => (IssueSeverity.Information, IssueType.Informational),
            FeedOutcome.Ignored => (IssueSeverity.Information, IssueType.Informational),
            FeedOutcome.Forbidden => (IssueSeverity.Error, IssueType.Forbidden),
            _ => (IssueSeverity.Error, result.Reason == FeedReasons.InvalidResource ? IssueType.Invalid : IssueType.Required),
        };
        return new IssueComponent
        {
            Severity = severity,
            Code = type,
            Details = new CodeableConcept { Coding = [new Coding(FeedReasons.System, result.Reason)], Text = result.Text },
            Diagnostics = result.DischargeId is { } id ? $"dischargeId={id}" : null,
            Expression = [expression],
        };
    }
}

/// <summary>An OperationOutcome answer, as <c>application/fhir+json</c>.</summary>
public sealed class FhirResult(int status, OperationOutcome outcome) : IResult
{
    public int Status => status;
    public OperationOutcome Outcome => outcome;

    public async System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = FhirMessages.FhirJson + "; charset=utf-8";
        await httpContext.Response.WriteAsync(outcome.ToJson(), httpContext.RequestAborted);
    }
}
