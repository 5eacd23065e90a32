using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Web.Console;

/// <summary>Bound from <c>Console</c>; validated at start-up.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>Sign-in through the organisation's identity provider (OpenID Connect, authorization code flow).</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>
    /// The console's public address as browsers reach it through the gateway (e.g. <c>https://pxp.example.org</c>): the identity
    /// provider sends people back to <c>{PublicBaseUrl}/console/signin-oidc</c>. Empty: the address of the request.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How long a console session lasts without activity.</summary>
    [Range(5, 24 * 60)]
    public int SessionMinutes { get; set; } = 60;

    /// <summary>Rows per worklist page.</summary>
    [Range(5, 100)]
    public int WorklistPageSize { get; set; } = 25;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl.Length > 0 && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var publicUrl) || (publicUrl.Scheme != Uri.UriSchemeHttps && publicUrl.Scheme != Uri.UriSchemeHttp)))
            yield return new ValidationResult("Console:PublicBaseUrl must be an absolute http(s) URL.", [nameof(PublicBaseUrl)]);
        if (!Oidc.Enabled) yield break;
        if (!Uri.TryCreate(Oidc.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            yield return new ValidationResult("Console:Oidc:Authority must be the identity provider's absolute http(s) URL when Console:Oidc:Enabled is true.", ["Oidc.Authority"]);
        else if (authority.Scheme == Uri.UriSchemeHttp && Oidc.RequireHttpsMetadata)
            yield return new ValidationResult("Console:Oidc:Authority must be https (or set Console:Oidc:RequireHttpsMetadata to false for a local provider).", ["Oidc.Authority"]);
        if (string.IsNullOrWhiteSpace(Oidc.ClientId))
            yield return new ValidationResult("Console:Oidc:ClientId is required when Console:Oidc:Enabled is true.", ["Oidc.ClientId"]);
        if (string.IsNullOrWhiteSpace(Oidc.ClientSecret))
            yield return new ValidationResult("Console:Oidc:ClientSecret is required when Console:Oidc:Enabled is true (give it through a secret store or the environment, never in a file).", ["Oidc.ClientSecret"]);
    }

    public sealed class OidcOptions
    {
        public bool Enabled { get; set; }

        public string Authority { get; set; } = "";

        public string ClientId { get; set; } = "";

        public string ClientSecret { get; set; } = "";

        /// <summary>Scopes asked for besides <c>openid profile</c>, e.g. the platform API's scope.</summary>
        public string[] Scopes { get; set; } = [];

        public bool RequireHttpsMetadata { get; set; } = true;
    }
}
