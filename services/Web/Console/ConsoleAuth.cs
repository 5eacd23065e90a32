using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Web.Console;

/// <summary>
/// The console's session: a cookie of its own (scheme <see cref="CookieScheme"/>, path <c>/console</c>) holding the signed-in
/// person's platform access token, encrypted with the host's data protection keys and never rendered into a page. People sign in
/// through the configured identity provider (OpenID Connect, <see cref="OidcScheme"/>) or, in Development and Testing, with a
/// development token from the gateway. Calls to the API through the generated client carry the token as Bearer
/// (<see cref="ConsoleBearerToken"/>). The platform's own JWT bearer scheme stays the default, untouched.
/// </summary>
public static class ConsoleAuth
{
    public const string CookieScheme = "console";
    public const string OidcScheme = "console-oidc";
    public const string Policy = "console";
    public const string SignInPath = "/console/sign-in";
    public const string SignOutPath = "/console/sign-out";
    public const string AccessTokenName = "access_token";
    public const string ExpiresAtName = "expires_at";

    /// <summary>The development sign-in exists only where the gateway issues development tokens.</summary>
    public static bool DevelopmentSignInAllowed(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");

    public static IHostApplicationBuilder AddConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>()
            .Bind(builder.Configuration.GetSection(ConsoleOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var oidcEnabled = builder.Configuration.GetValue<bool>($"{ConsoleOptions.Section}:Oidc:Enabled");
        var authentication = builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "pxp-console";
                cookie.Cookie.Path = "/console";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = SignInPath;
                cookie.AccessDeniedPath = SignInPath;
                cookie.ReturnUrlParameter = "returnUrl";
                // Behind the gateway this process does not know the public host: redirect relative to it.
                cookie.Events.OnRedirectToLogin = context => RedirectRelative(context);
                cookie.Events.OnRedirectToAccessDenied = context => RedirectRelative(context);
                cookie.Events.OnValidatePrincipal = RejectExpiredToken;
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<ConsoleOptions>>((cookie, console) =>
        {
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(console.Value.SessionMinutes);
            cookie.SlidingExpiration = true;
        });

        if (oidcEnabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, _ => { });
            builder.Services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<IOptions<ConsoleOptions>>((oidc, console) =>
            {
                var o = console.Value.Oidc;
                oidc.SignInScheme = CookieScheme;
                oidc.Authority = o.Authority;
                oidc.ClientId = o.ClientId;
                oidc.ClientSecret = o.ClientSecret;
                oidc.RequireHttpsMetadata = o.RequireHttpsMetadata;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.SaveTokens = true;
                oidc.MapInboundClaims = false;
                oidc.CallbackPath = "/console/signin-oidc";
                oidc.SignedOutCallbackPath = "/console/signout-callback-oidc";
                oidc.TokenValidationParameters.NameClaimType = "sub";
                oidc.TokenValidationParameters.RoleClaimType = PlatformClaims.Role;
                foreach (var scope in o.Scopes) oidc.Scope.Add(scope);
                var publicBase = console.Value.PublicBaseUrl.TrimEnd('/');
                oidc.Events.OnRedirectToIdentityProvider = context =>
                {
                    if (publicBase.Length > 0) context.ProtocolMessage.RedirectUri = publicBase + oidc.CallbackPath;
                    return Task.CompletedTask;
                };
                oidc.Events.OnRedirectToIdentityProviderForSignOut = context =>
                {
                    if (publicBase.Length > 0) context.ProtocolMessage.PostLogoutRedirectUri = publicBase + oidc.SignedOutCallbackPath;
                    return Task.CompletedTask;
                };
                // The platform authorises by the access token's role and facility claims: the session shows the same ones.
                oidc.Events.OnTokenValidated = context =>
                {
                    if (context.Principal?.Identity is ClaimsIdentity identity && context.TokenEndpointResponse?.AccessToken is { } access)
                        CopyPlatformClaims(access, identity);
                    return Task.CompletedTask;
                };
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(CookieScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(PlatformClaims.Role, PlatformClaims.Roles));

        builder.Services.AddTransient<ConsoleBearerToken>();
        builder.Services.AddScoped<ConsoleSession>();
        return builder;
    }

    /// <summary>The session of a development token: its claims as the gateway wrote them, the token itself kept in the cookie.</summary>
    public static (ClaimsPrincipal Principal, AuthenticationProperties Properties) SessionFor(string accessToken, string method)
    {
        var token = new JsonWebToken(accessToken);
        var identity = new ClaimsIdentity(CookieScheme, "sub", PlatformClaims.Role);
        identity.AddClaim(new Claim("sub", token.Subject ?? "unknown"));
        identity.AddClaim(new Claim("amr", method));
        CopyPlatformClaims(accessToken, identity);
        var properties = new AuthenticationProperties { IsPersistent = false, ExpiresUtc = token.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(token.ValidTo, TimeSpan.Zero) };
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = AccessTokenName, Value = accessToken },
            new AuthenticationToken { Name = ExpiresAtName, Value = properties.ExpiresUtc?.ToString("o") ?? "" },
        ]);
        return (new ClaimsPrincipal(identity), properties);
    }

    private static void CopyPlatformClaims(string accessToken, ClaimsIdentity identity)
    {
        var token = new JsonWebTokenHandler().CanReadToken(accessToken) ? new JsonWebToken(accessToken) : null;
        if (token is null) return;
        foreach (var claim in token.Claims.Where(c => c.Type is PlatformClaims.Role or PlatformClaims.Facility))
            if (!identity.HasClaim(claim.Type, claim.Value)) identity.AddClaim(new Claim(claim.Type, claim.Value));
    }

    /// <summary>A session whose access token has expired ends: the next page asks the person to sign in again.</summary>
    private static async Task RejectExpiredToken(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue(ExpiresAtName);
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (context.Properties.GetTokenValue(AccessTokenName) is null
            || (DateTimeOffset.TryParse(expiresAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at) && at <= clock.GetUtcNow()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private static Task RedirectRelative(RedirectContext<CookieAuthenticationOptions> context)
    {
        var target = Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri;
        context.Response.Redirect(target);
        return Task.CompletedTask;
    }

    /// <summary>A return address inside the console, or the worklist: never another site.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith("/console", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\')
            ? url
            : "/console";
}
