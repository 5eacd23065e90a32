using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Web;

/// <summary>Bound from <c>Web</c>; validated at start-up.</summary>
public sealed class WebOptions : IValidatableObject
{
    public const string Section = "Web";

    /// <summary>The gateway: the pages reach the platform API only through it (<c>{GatewayBaseUrl}/api/v1/...</c>).</summary>
    [Required(ErrorMessage = "Web:GatewayBaseUrl is required (the pages reach the API through the gateway).")]
    [Url(ErrorMessage = "Web:GatewayBaseUrl must be an absolute URL.")]
    public string GatewayBaseUrl { get; set; } = "";

    /// <summary>How long one call to the gateway may take before the page shows that the service is unavailable.</summary>
    [Range(1, 120)]
    public int GatewayTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Networks (CIDR) of the gateway in front of this process: their <c>X-Forwarded-For</c> is trusted, so the patient's own
    /// address reaches the gateway's per-client limits. Empty: loopback only (standalone mode, a local run).
    /// </summary>
    public string[] KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult("Web:KnownNetworks holds an entry that is not a CIDR network.", [nameof(KnownNetworks)]);
        if (Uri.TryCreate(GatewayBaseUrl, UriKind.Absolute, out var url))
        {
            if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                yield return new ValidationResult("Web:GatewayBaseUrl must be an http or https URL.", [nameof(GatewayBaseUrl)]);
            if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
                yield return new ValidationResult("Web:GatewayBaseUrl must not have a query or fragment.", [nameof(GatewayBaseUrl)]);
        }
    }
}
