using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// Request bodies are strict: a property the request type does not have is refused (a misspelt <c>requestsResponse</c> must
/// not silently drop the patient's <c>responseRequested</c>). Only the HTTP JSON options are strict; MassTransit messages and
/// stored documents use their own serializer options and keep accepting fields they do not know (older or newer writers).
/// </summary>
public static partial class StrictJsonBodies
{
    public const string UnknownProperty = "Not a property of this request; check its name and spelling. Nothing was changed.";
    public const string UnreadableValue = "Not a value of the expected type or format. Nothing was changed.";

    /// <summary>Makes the HTTP JSON options refuse unmapped members.</summary>
    public static void Apply(Microsoft.AspNetCore.Http.Json.JsonOptions options) =>
        options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;

    /// <summary>
    /// The field a body's <see cref="JsonException"/> is about and what is wrong with it, for a validation problem; null when
    /// the exception names no usable path. Only the path is used (a property name of the request type, or the unknown one the
    /// caller sent, if it looks like a name), never a value.
    /// </summary>
    public static KeyValuePair<string, string[]>? Describe(BadHttpRequestException exception)
    {
        if (exception.InnerException is not JsonException json || json.Path is not { } path) return null;
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        if (field is null || field.Length > 200 || !FieldPath().IsMatch(field)) return null;
        var unknown = json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal);
        return new(field, [unknown ? UnknownProperty : UnreadableValue]);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_\-]*(\[\d+\])*)*$")]
    private static partial Regex FieldPath();
}
