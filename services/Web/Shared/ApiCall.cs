using System.Text.Json;
using PatientExperience.Client;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace PatientExperience.Web.Shared;

/// <summary>
/// The outcome of one call to the platform API as a page needs it: the answer, or the problem's status and its field errors
/// (RFC 7807 <c>errors</c>), or that the gateway could not be reached. A page shows each as a clear message; nothing here
/// holds what the patient typed.
/// </summary>
public sealed record ApiOutcome<T>(T? Value, int Status, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>The gateway or the service behind it could not be reached, or answered 5xx: nothing was done.</summary>
    public bool Unavailable => Status is 0 or >= 500;
}

public static class ApiCall
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static async Task<ApiOutcome<T>> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return new ApiOutcome<T>(await call(), 200, NoErrors);
        }
        catch (PlatformApiException e)
        {
            return new ApiOutcome<T>(default, e.StatusCode, ErrorsOf(e.Response));
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException)
        {
            return new ApiOutcome<T>(default, 0, NoErrors);
        }
    }

    /// <summary>The <c>errors</c> member of a validation problem: field name to messages (empty for any other body).</summary>
    public static IReadOnlyDictionary<string, string[]> ErrorsOf(string? problemJson)
    {
        if (string.IsNullOrWhiteSpace(problemJson)) return NoErrors;
        try
        {
            using var document = JsonDocument.Parse(problemJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
                return NoErrors;
            return errors.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.Array
                    ? p.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray()
                    : [],
                StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return NoErrors;
        }
    }
}
