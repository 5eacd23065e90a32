using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Case.Complainants;

/// <summary>Bound from <c>Complainants</c>; validated at start-up.</summary>
public sealed class ComplainantsOptions : IValidatableObject
{
    public const string Section = "Complainants";

    /// <summary>Where complainants open their status page: acknowledgements link to <c>{PublicBaseUrl}/status/{token}</c> (the gateway's patient pages).</summary>
    [Required(ErrorMessage = "Complainants:PublicBaseUrl is required (acknowledgements link to {PublicBaseUrl}/status/{token}).")]
    [Url(ErrorMessage = "Complainants:PublicBaseUrl must be an absolute URL.")]
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Longest secure message, in characters.</summary>
    [Range(100, 20_000)]
    public int MaxMessageLength { get; set; } = 5_000;

    /// <summary>Most messages one status page holds (a bound against abuse of a leaked link; staff can revoke it).</summary>
    [Range(10, 10_000)]
    public int MaxMessagesPerCase { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            yield return new ValidationResult("Complainants:PublicBaseUrl must be an http or https URL.", [nameof(PublicBaseUrl)]);
        if (!string.IsNullOrEmpty(url?.Query) || !string.IsNullOrEmpty(url?.Fragment))
            yield return new ValidationResult("Complainants:PublicBaseUrl must not have a query or fragment.", [nameof(PublicBaseUrl)]);
    }

    /// <summary>The link to a status page.</summary>
    public string LinkFor(string token) => $"{PublicBaseUrl.TrimEnd('/')}/status/{token}";
}
