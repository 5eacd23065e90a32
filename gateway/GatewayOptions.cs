using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Gateway;

/// <summary>Bound from <c>Gateway</c>.</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>Requests each client (by IP address) may make per window to anonymous routes (public forms, kiosks).</summary>
    [Range(1, 1_000_000)]
    public int PublicPermitLimit { get; set; } = 30;

    [Range(1, 3600)]
    public int PublicWindowSeconds { get; set; } = 60;

    /// <summary>How the per-client limits hold across gateway replicas (<c>Gateway:RateLimits</c>).</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>
    /// What one replica allows a client per window: <paramref name="limit"/> divided by <see cref="RateLimitOptions.Replicas"/>
    /// (rounded down, at least 1), so that across at most that many replicas a client never gets more than the limit,
    /// however the ingress spreads its requests.
    /// </summary>
    public int PerReplica(int limit) => Math.Max(1, limit / Math.Max(1, RateLimits.Replicas));

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413 before reaching a service.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Origins of browser front ends allowed to call the API (CORS).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Addresses of the load balancers or ingress controllers in front of the gateway. Their X-Forwarded-For is trusted, so rate
    /// limits apply per real client rather than per proxy. Empty: only loopback proxies are trusted.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) whose proxies are trusted, as <see cref="KnownProxies"/>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Lifetime of development tokens from <c>/dev/token</c> (Development environment only).</summary>
    [Range(1, 24 * 60)]
    public int DevTokenMinutes { get; set; } = 480;

    /// <summary>
    /// When a service cannot be reached (down, restarting), the gateway answers 503 with <c>Retry-After</c> set to this many
    /// seconds, so clients and the patient forms try again instead of reporting a broken gateway (502).
    /// </summary>
    [Range(1, 3600)]
    public int UnavailableRetryAfterSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RateLimits is null || RateLimits.Replicas is < 1 or > 100)
            yield return new ValidationResult("Gateway:RateLimits:Replicas must be 1-100 (the most gateway replicas that run at once).", [nameof(RateLimits)]);
        else if (PublicPermitLimit < RateLimits.Replicas)
            yield return new ValidationResult($"Gateway:PublicPermitLimit ({PublicPermitLimit}) must be at least Gateway:RateLimits:Replicas ({RateLimits.Replicas}): each replica allows a client the limit divided by the replicas.", [nameof(PublicPermitLimit)]);
        foreach (var proxy in KnownProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"Gateway:KnownProxies holds an entry that is not an IP address.", [nameof(KnownProxies)]);
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"Gateway:KnownNetworks holds an entry that is not a CIDR network.", [nameof(KnownNetworks)]);
    }
}

/// <summary>
/// Bound from <c>Gateway:RateLimits</c>. The gateway keeps its windows in memory: it owns no store, and a shared counter would
/// put a database round trip and a contended document (the abusive client's) in front of every public request. Instead each
/// replica allows a client <c>limit / Replicas</c>, and the ingress sends a client to the same replica (hashing by client
/// address): a client pinned to one replica gets that share; one spread over several still gets at most the limit in all.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The most gateway replicas that run at once: the Deployment's replicas, or the HPA's <c>maxReplicas</c>. Default 1.</summary>
    public int Replicas { get; set; } = 1;
}
