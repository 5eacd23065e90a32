using System.ComponentModel.DataAnnotations;

namespace PatientExperience.ServiceDefaults.Security;

/// <summary>
/// JWT bearer settings, bound from <c>Auth</c>. Either an OpenID Connect <see cref="Authority"/> (production identity provider)
/// or a symmetric <see cref="SigningKey"/> (development and tests) must be given.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public string? Authority { get; set; }

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. Comes from configuration or a secret store, never from code.</summary>
    public string? SigningKey { get; set; }

    [Required]
    public string Issuer { get; set; } = "patient-experience";

    [Required]
    public string Audience { get; set; } = "patient-experience-api";

    /// <summary>
    /// The audience of service-to-service tokens (notification's calls to case and intake over gRPC). Services accept it beside
    /// <see cref="Audience"/>; the gateway refuses it, so a leaked service token does not work from outside.
    /// </summary>
    [Required]
    public string ServiceAudience { get; set; } = "patient-experience-services";

    public bool RequireHttpsMetadata { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.Equals(Audience, ServiceAudience, StringComparison.Ordinal))
        {
            yield return new ValidationResult("Auth:ServiceAudience must differ from Auth:Audience.", [nameof(ServiceAudience)]);
        }

        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return new ValidationResult("Set Auth:Authority (identity provider) or Auth:SigningKey (base64, 32+ bytes).", [nameof(Authority), nameof(SigningKey)]);
        }

        if (!string.IsNullOrWhiteSpace(Authority)
            && (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority)
                || (authority.Scheme != Uri.UriSchemeHttps && RequireHttpsMetadata)
                || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp)))
        {
            // Caught here, at start-up: JwtBearer itself would only refuse an http authority on the first request, failing every request.
            yield return new ValidationResult("Auth:Authority must be an absolute https URI (http only with Auth:RequireHttpsMetadata=false).", [nameof(Authority)]);
        }

        if (!string.IsNullOrWhiteSpace(SigningKey))
        {
            byte[]? key = null;
            try { key = Convert.FromBase64String(SigningKey); } catch (FormatException) { }
            if (key is null || key.Length < 32)
            {
                yield return new ValidationResult("Auth:SigningKey must be base64 of at least 32 bytes.", [nameof(SigningKey)]);
            }
        }
    }
}
