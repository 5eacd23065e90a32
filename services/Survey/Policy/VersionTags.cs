using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using PatientExperience.ServiceDefaults;

namespace PatientExperience.Survey.Policy;

/// <summary>A versioned document's ETag is its version (<c>"3"</c>); a change may send it back in <c>If-Match</c>.</summary>
internal static class VersionTags
{
    public static void Set(HttpContext http, long version) => http.Response.Headers.ETag = $"\"{version}\"";

    /// <summary>The version in <c>If-Match</c> (null when absent); false when it is not one strong ETag holding a number.</summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        if (request.Headers.IfMatch.Count == 0) return true;
        if (!EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var tags) || tags.Count != 1 || tags[0].IsWeak || tags[0].Equals(EntityTagHeaderValue.Any)) return false;
        var text = tags[0].Tag.Value;
        if (text is null || text.Length < 3 || !long.TryParse(text.AsSpan(1, text.Length - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)) return false;
        version = v;
        return true;
    }

    public static ValidationProblem InvalidIfMatch() =>
        ProblemResults.Validation(new Dictionary<string, string[]> { ["If-Match"] = ["Must be one ETag as returned by a read, e.g. \"3\"."] });

    public static ProblemHttpResult Stale() =>
        TypedResults.Problem("It was changed since you read it. Read it again, reapply your change and retry; nothing was changed.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed.");
}
