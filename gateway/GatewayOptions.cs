using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Gateway;

/// <summary>Bound from <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Requests each client (by IP address) may make per window to anonymous routes (public forms, kiosks).</summary>
    [Range(1, 1_000_000)]
    public int PublicPermitLimit { get; set; } = 30;

    [Range(1, 3600)]
    public int PublicWindowSeconds { get; set; } = 60;

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413 before reaching a service.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Origins of browser front ends allowed to call the API (CORS).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Lifetime of development tokens from <c>/dev/token</c> (Development environment only).</summary>
    [Range(1, 24 * 60)]
    public int DevTokenMinutes { get; set; } = 480;
}
