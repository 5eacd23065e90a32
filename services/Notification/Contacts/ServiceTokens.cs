using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification.Contacts;

/// <summary>The bearer token this service presents to case and intake over gRPC, scoped to one facility.</summary>
public interface IServiceTokenSource
{
    Task<string> TokenForAsync(string facilityId, CancellationToken ct);
}

/// <summary>
/// Development, tests and standalone mode (<c>Auth:SigningKey</c>, no identity provider): signs a short-lived token itself,
/// subject <see cref="ServiceTokenOptions.Subject"/>, role <c>patient-relations</c>, for the one facility a call is about, so
/// intake's audit of each PHI read names this service and the facility. Kept until two thirds of its lifetime have passed.
/// Its audience is <see cref="AuthOptions.ServiceAudience"/> (the gateway refuses it). The facility comes from a message, so it
/// must be one facility id: "*" (every facility) or anything that is not an id is refused, permanently.
/// </summary>
internal sealed partial class SymmetricServiceTokenSource(IOptions<AuthOptions> auth, IOptions<NotificationOptions> options, TimeProvider clock) : IServiceTokenSource
{
    public static readonly string Role = StaffRole.PatientRelations.ToClaim();
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);

    public Task<string> TokenForAsync(string facilityId, CancellationToken ct)
    {
        if (facilityId == PlatformClaims.AllFacilities || !FacilityId().IsMatch(facilityId))
            throw new PermanentFailureException("A service token is minted for one facility id only; the message named something else.");
        var now = clock.GetUtcNow();
        if (_tokens.TryGetValue(facilityId, out var cached) && cached.RenewAt > now) return Task.FromResult(cached.Token);
        var lifetime = TimeSpan.FromMinutes(options.Value.ServiceToken.LifetimeMinutes);
        var token = SymmetricTokenIssuer.Issue(auth.Value, options.Value.ServiceToken.Subject, Role, [facilityId], now, lifetime, auth.Value.ServiceAudience);
        _tokens[facilityId] = (token, now + lifetime * 2 / 3);
        return Task.FromResult(token);
    }

    // The directory's id rule (lower-case letters, digits and inner hyphens).
    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex FacilityId();
}

/// <summary>
/// Production (<c>Auth:Authority</c>): the OAuth 2.0 client-credentials grant against
/// <see cref="ServiceTokenOptions.TokenEndpoint"/>. The identity provider decides the token's role and facility claims for
/// this client (typically every facility); it is reused until two thirds of its lifetime have passed.
/// </summary>
internal sealed class ClientCredentialsTokenSource(IHttpClientFactory http, IOptions<NotificationOptions> options, TimeProvider clock) : IServiceTokenSource
{
    public const string HttpClientName = "notification-service-token";
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> TokenForAsync(string facilityId, CancellationToken ct)
    {
        if (_current is { } c && c.RenewAt > clock.GetUtcNow()) return c.Token;
        await _lock.WaitAsync(ct);
        try
        {
            if (_current is { } again && again.RenewAt > clock.GetUtcNow()) return again.Token;
            var o = options.Value.ServiceToken;
            var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = o.ClientId!, ["client_secret"] = o.ClientSecret! };
            if (!string.IsNullOrWhiteSpace(o.Scope)) form["scope"] = o.Scope;
            using var response = await http.CreateClient(HttpClientName).PostAsync(o.TokenEndpoint, new FormUrlEncodedContent(form), ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                ?? throw new InvalidOperationException("The token endpoint answered without a body.");
            var lifetime = TimeSpan.FromSeconds(Math.Max(30, body.ExpiresIn));
            _current = (body.AccessToken, clock.GetUtcNow() + lifetime * 2 / 3);
            return body.AccessToken;
        }
        finally
        {
            _lock.Release();
        }
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
