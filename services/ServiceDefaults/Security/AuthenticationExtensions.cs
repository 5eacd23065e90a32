using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace PatientExperience.ServiceDefaults.Security;

public static class AuthenticationExtensions
{
    /// <summary>Any authenticated member of staff with at least one platform role.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>A system integration (the EHR's FHIR feed): the <see cref="PlatformClaims.IntegrationRole"/> role and nothing else.</summary>
    public const string IntegrationPolicy = "integration";

    public static TBuilder AddPlatformAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, DevelopmentSigningKeyValidator>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.RequireAuthenticatedUser().RequireClaim(PlatformClaims.Role, PlatformClaims.Roles))
            .AddPolicy(IntegrationPolicy, p => p.RequireAuthenticatedUser().RequireClaim(PlatformClaims.Role, PlatformClaims.IntegrationRole));
        return builder;
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        jwt.MapInboundClaims = false;
        jwt.IncludeErrorDetails = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            // Staff and integration tokens, and service-to-service tokens; the gateway refuses the latter on its routes.
            ValidAudiences = [auth.Audience, auth.ServiceAudience],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            NameClaimType = "name",
            RoleClaimType = PlatformClaims.Role,
            ClockSkew = TimeSpan.FromSeconds(30),
            // Only access tokens: an ID token or any other JWT from the same issuer is not a bearer token here.
            ValidTypes = AccessTokenTypes,
        };

        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            // Pinned: the identity provider's asymmetric signatures only (never "none", never HMAC with a public key).
            jwt.TokenValidationParameters.ValidAlgorithms = AsymmetricAlgorithms;
        }
        else
        {
            jwt.TokenValidationParameters.IssuerSigningKey = SigningKey(auth);
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions auth) =>
        new(Convert.FromBase64String(auth.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set."))) { KeyId = "platform-hs256" };

    /// <summary>The <c>typ</c> header values of an access token (RFC 9068 <c>at+jwt</c>, or the plain <c>JWT</c> most providers use).</summary>
    public static readonly string[] AccessTokenTypes = ["JWT", "at+jwt"];

    public static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
    ];
}

/// <summary>Outside Development, refuses the signing key committed in this repository for local runs: anyone could mint tokens with it.</summary>
internal sealed class DevelopmentSigningKeyValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        !environment.IsDevelopment() && DevelopmentKeys.IsCommitted(options.SigningKey)
            ? ValidateOptionsResult.Fail($"Auth:SigningKey is the development key committed in the repository; outside Development give a key of your own ({DevelopmentKeys.HowToMakeOne}) or an identity provider (Auth:Authority).")
            : ValidateOptionsResult.Success;
}
