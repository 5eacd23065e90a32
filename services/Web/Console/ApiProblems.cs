using PatientExperience.Client;
using System.Text.Json;

namespace PatientExperience.Web.Console;

/// <summary>
/// A problem answer (RFC 7807) of the API as the console uses it: its status, title, detail, field errors and the elements a
/// response letter lacks (<c>missing</c>), read from the generated client's exception.
/// </summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<string> Missing)
{
    /// <summary>
    /// Reads the problem from the exception's typed result (what the generated client deserialised: <see cref="Client.ProblemDetails"/> with its
    /// extensions, <see cref="Client.HttpValidationProblemDetails"/> with its errors) and, where that says nothing, from the answer's text.
    /// The typed result is there whatever the client's settings: the text is kept only when the client is told to read answers as
    /// strings, and a console that relied on it alone lost the <c>missing</c> elements of a refused letter without it.
    /// </summary>
    public static ApiProblem From(PlatformApiException e)
    {
        string? title = null, detail = null;
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        IDictionary<string, object>? extensions = null;
        switch (e)
        {
            case PlatformApiException<Client.ProblemDetails> { Result: { } p }:
                (title, detail, extensions) = (p.Title, p.Detail, p.AdditionalProperties);
                break;
            case PlatformApiException<Client.HttpValidationProblemDetails> { Result: { } v }:
                (title, detail, extensions) = (v.Title, v.Detail, v.AdditionalProperties);
                foreach (var (field, messages) in v.Errors ?? []) errors[field] = [.. messages];
                break;
        }

        if (extensions?.TryGetValue("missing", out var typedMissing) == true) missing.AddRange(Strings(typedMissing));

        try
        {
            if (e.Response is { Length: > 0 } body && body.TrimStart().StartsWith('{'))
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                if (title is null && root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) title = t.GetString();
                if (detail is null && root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) detail = d.GetString();
                if (errors.Count == 0 && root.TryGetProperty("errors", out var errs) && errs.ValueKind == JsonValueKind.Object)
                    foreach (var field in errs.EnumerateObject())
                        errors[field.Name] = [.. Strings(field.Value)];
                if (missing.Count == 0 && root.TryGetProperty("missing", out var m)) missing.AddRange(Strings(m));
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the status code says enough.
        }

        return new ApiProblem(e.StatusCode, title, detail, errors, missing);
    }

    /// <summary>The strings of a JSON array (a <see cref="JsonElement"/> as System.Text.Json leaves extension values, or a list).</summary>
    private static IEnumerable<string> Strings(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
        IEnumerable<string> strings => strings,
        _ => [],
    };

    /// <summary>One sentence for staff.</summary>
    public string Describe() => Status switch
    {
        401 => "The platform no longer accepts your sign-in. Sign in again.",
        403 => "Your role or facilities do not allow this.",
        404 => "Not found, or not in your facilities.",
        412 => "Someone else changed the case while you were looking at it.",
        428 => "The case's version was not sent; reload the page and try again.",
        >= 500 => "The platform is unavailable just now. Try again in a moment.",
        _ => string.Join(" ", new[] { Title, Detail }.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct()) is { Length: > 0 } words
            ? words + (Errors.Count > 0 ? " " + string.Join(" ", Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))) : "")
            : $"The platform refused the request ({Status}).",
    };

    /// <summary>The words for a failed call of any kind (the gateway unreachable included).</summary>
    public static string Describe(Exception e) => e switch
    {
        PlatformApiException api => From(api).Describe(),
        _ => "The platform is unavailable just now. Try again in a moment.",
    };

    public static bool IsCallFailure(Exception e) =>
        e is PlatformApiException or HttpRequestException or TaskCanceledException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException;
}
