using System.Globalization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using PatientExperience.Client;
using PatientExperience.Web.Console;
using PatientExperience.Web.Shared;

namespace PatientExperience.Web;

public static class WebModule
{
    public const string ServiceName = "web";

    /// <summary>The name of the HTTP client the pages call the gateway with (the generated <see cref="IPlatformApiClient"/>).</summary>
    public const string GatewayClient = "gateway";

    /// <summary>
    /// The web front end: Razor components (static server rendering for the patient pages, interactive server components for the
    /// console), the generated platform API client pointed at the gateway, and the request cultures (English, Spanish).
    /// </summary>
    public static IHostApplicationBuilder AddWebModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>()
            .Bind(builder.Configuration.GetSection(WebOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebOptions>>((forwarded, web) =>
        {
            // The host too: the console's redirects (after a form post, to sign-in) must name the gateway's address, not this process's.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var network in web.Value.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddAntiforgery();

        builder.Services.AddSingleton<Patient.FacilityCache>();
        builder.Services.AddTransient<ForwardClientAddress>();
        builder.Services.AddHttpClient<IPlatformApiClient, PlatformApiClient>(GatewayClient, (services, http) =>
            {
                var options = services.GetRequiredService<IOptions<WebOptions>>().Value;
                http.BaseAddress = new Uri(options.GatewayBaseUrl.TrimEnd('/') + "/");
            })
            .AddHttpMessageHandler<ForwardClientAddress>()
            .AddHttpMessageHandler<ConsoleBearerToken>();
        builder.AddConsole();
        // The service defaults give every client the standard resilience handler; a POST from a page is not retried by it (the
        // feedback form carries an Idempotency-Key of its own, a survey answer is single-use).
        builder.Services.AddOptions<HttpStandardResilienceOptions>($"{GatewayClient}-standard")
            .Configure<IOptions<WebOptions>>((resilience, web) =>
            {
                resilience.Retry.DisableForUnsafeHttpMethods();
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(web.Value.GatewayTimeoutSeconds);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(web.Value.GatewayTimeoutSeconds * 2);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, web.Value.GatewayTimeoutSeconds * 2 * 2));
            });

        builder.Services.Configure<RequestLocalizationOptions>(localization =>
        {
            var cultures = PatientTexts.Cultures.Select(c => new CultureInfo(c)).ToList();
            localization.DefaultRequestCulture = new RequestCulture(PatientTexts.Cultures[0]);
            localization.SupportedCultures = cultures;
            localization.SupportedUICultures = cultures;
            localization.FallBackToParentCultures = true;
            localization.FallBackToParentUICultures = true;
            localization.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider { QueryStringKey = PatientTexts.LanguageQueryKey, UIQueryStringKey = PatientTexts.LanguageQueryKey },
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return builder;
    }

    /// <summary>
    /// The pages, their static assets and the console's interactive endpoint (<c>/_blazor</c>), after the request culture and
    /// antiforgery middleware (call it after authentication and authorization). The returned builder applies to all of them,
    /// so a host can restrict them (standalone mode serves them on its internal port, behind the gateway).
    /// </summary>
    public static IEndpointConventionBuilder MapWebUi(this WebApplication app)
    {
        app.UseWhen(IsWebUiRequest, ui => ui.Use(PagesAnswerForThemselves).Use(RedirectWithinThisSite).UseRequestLocalization().Use(RememberChosenLanguage));
        app.UseAntiforgery();

        var assets = app.MapStaticAssets();
        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        var console = app.MapConsoleEndpoints();
        var all = new CompositeConventionBuilder([assets, pages, console]);
        all.WithMetadata(WebUiEndpoint.Instance);
        return all;
    }

    private static bool IsWebUiRequest(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<WebUiEndpoint>() is not null;

    /// <summary>A language chosen with <c>?lang=</c> is kept in the culture cookie, so the next page (after a form post) keeps it.</summary>
    private static Task RememberChosenLanguage(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Query.ContainsKey(PatientTexts.LanguageQueryKey)
            && context.Features.Get<IRequestCultureFeature>()?.Provider is QueryStringRequestCultureProvider)
        {
            var culture = CultureInfo.CurrentUICulture.Name;
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365) });
        }

        return next(context);
    }

    /// <summary>
    /// A page that answers 404, 409 or 410 (an unknown, answered or expired link) renders its own explanation; the platform's
    /// status-code pages (a problem document for a bare status) are for the API, not for pages.
    /// </summary>
    private static Task PagesAnswerForThemselves(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusCodePages) statusCodePages.Enabled = false;
        return next(context);
    }

    /// <summary>
    /// A page's redirect (after a form is sent) names this server by the host the request came in on, which behind the gateway
    /// is an internal one; the browser must stay on the gateway's address, so a redirect to this host becomes a relative one.
    /// </summary>
    private static Task RedirectWithinThisSite(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            var location = context.Response.Headers.Location.ToString();
            if (Uri.TryCreate(location, UriKind.Absolute, out var target)
                && string.Equals(target.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.Location = target.PathAndQuery + target.Fragment;
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Marks the web front end's endpoints (pages, assets, the console's circuit), so its middleware runs only for them.</summary>
    internal sealed class WebUiEndpoint
    {
        public static readonly WebUiEndpoint Instance = new();
    }

    private sealed class CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders) builder.Add(convention);
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders) builder.Finally(finallyConvention);
        }
    }
}
