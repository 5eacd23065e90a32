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
            ValidAudience = auth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            NameClaimType = "name",
            RoleClaimType = PlatformClaims.Role,
            ClockSkew = TimeSpan.FromSeconds(30),
        };

        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        }
        else
        {
            jwt.TokenValidationParameters.IssuerSigningKey = SigningKey(auth);
        }
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions auth) =>
        new(Convert.FromBase64String(auth.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set."))) { KeyId = "platform-hs256" };

}
