using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientExperience.ServiceDefaults.Security;

/// <summary>
/// Signs tokens with the symmetric key from <see cref="AuthOptions.SigningKey"/>. Used by the gateway's Development-only
/// <c>/dev/token</c> and by tests; production tokens come from the identity provider named by <see cref="AuthOptions.Authority"/>.
/// </summary>
public static class SymmetricTokenIssuer
{
    /// <param name="audience">The token's audience: <see cref="AuthOptions.Audience"/> unless given (a service token names <see cref="AuthOptions.ServiceAudience"/>).</param>
    public static string Issue(AuthOptions auth, string subject, string role, IEnumerable<string> facilities, DateTimeOffset now, TimeSpan lifetime, string? audience = null)
    {
        var claims = new List<Claim> { new("sub", subject), new("name", subject), new(PlatformClaims.Role, role) };
        claims.AddRange(facilities.Select(f => new Claim(PlatformClaims.Facility, f)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Issuer,
            Audience = audience ?? auth.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(AuthenticationExtensions.SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
    }
}
