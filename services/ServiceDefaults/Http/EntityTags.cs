using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// Optimistic concurrency over HTTP, strictly: a document's ETag is its store version (<c>"3"</c>); a change sends it back in
/// <c>If-Match</c>. Version 0 stands for "does not exist yet", so <c>If-Match: "0"</c> creates. A stale version is a 412,
/// a change without <c>If-Match</c> a 428 and an <c>If-Match</c> that is not one strong ETag of ours a 400, so no update is
/// ever lost.
/// </summary>
public static class EntityTags
{
    public static string For(long version) => IfMatch.ETagFor(version);

    public static void Set(HttpContext http, long version) => IfMatch.SetETag(http, version);

    /// <summary>The version in <c>If-Match</c> (null when the header is absent); false when it is not a single strong ETag of ours.</summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        var ifMatch = IfMatch.Read(request);
        version = ifMatch.IsStrongVersion ? ifMatch.Version : null;
        return !ifMatch.IsPresent || ifMatch.IsStrongVersion;
    }

    public static ValidationProblem InvalidIfMatch() =>
        ProblemResults.Validation(new Dictionary<string, string[]> { ["If-Match"] = ["Must be one ETag as returned by a read, e.g. \"3\"."] });

    public static ProblemHttpResult Stale() =>
        TypedResults.Problem("It was changed since you read it. Read it again (for its current ETag), reapply your change and retry; nothing was changed.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed.");

    public static ProblemHttpResult Required() =>
        TypedResults.Problem("Send If-Match with the ETag of the version you read (\"0\" to create); nothing was changed.",
            statusCode: StatusCodes.Status428PreconditionRequired, title: "Precondition required.");

    /// <summary>The refusals every change under If-Match can answer: 403 (facility), 412 (stale), 428 (no If-Match).</summary>
    public static RouteHandlerBuilder ProducesChangeProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.");
}
