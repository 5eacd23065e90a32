using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Notification.Contacts;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification.Tests;

/// <summary>The token the service presents to case and intake: self-signed per facility in development, client credentials in production.</summary>
public sealed class ServiceTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_self_signed_token_is_for_one_facility_as_patient_relations_and_is_reused_until_it_ages()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new SymmetricServiceTokenSource(Options.Create(new AuthOptions { SigningKey = NotificationApp.SigningKey }), Options.Create(new NotificationOptions()), clock);

        var token = await source.TokenForAsync("riverside-general", Ct);
        var payload = Payload(token);
        Assert.Equal("svc-notification", payload.GetProperty("sub").GetString());
        Assert.Equal("patient-relations", payload.GetProperty("role").GetString());
        Assert.Equal("riverside-general", payload.GetProperty("facility").GetString());
        Assert.Equal("patient-experience-services", payload.GetProperty("aud").GetString()); // not the API's: the gateway refuses it
        Assert.Equal(token, await source.TokenForAsync("riverside-general", Ct));
        Assert.NotEqual(token, await source.TokenForAsync("mesa-valley", Ct));

        clock.Advance(TimeSpan.FromMinutes(7)); // two thirds of ten minutes have passed
        Assert.NotEqual(token, await source.TokenForAsync("riverside-general", Ct));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("riverside-general *")]
    [InlineData("")]
    [InlineData("Riverside General")]
    public async Task A_facility_from_a_message_that_is_not_one_facility_id_is_never_minted_into_a_token(string facility)
    {
        var source = new SymmetricServiceTokenSource(Options.Create(new AuthOptions { SigningKey = NotificationApp.SigningKey }), Options.Create(new NotificationOptions()), TimeProvider.System);

        await Assert.ThrowsAsync<PatientExperience.Messaging.PermanentFailureException>(() => source.TokenForAsync(facility, Ct));
    }

    [Fact]
    public async Task With_an_identity_provider_the_client_credentials_grant_is_used_and_its_token_reused()
    {
        var requests = new ConcurrentQueue<IFormCollection>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var idp = builder.Build();
        idp.MapPost("/token", async (HttpContext http) =>
        {
            requests.Enqueue(await http.Request.ReadFormAsync());
            return Results.Json(new { access_token = $"token-{requests.Count}", token_type = "Bearer", expires_in = 300 });
        });
        await idp.StartAsync(Ct);
        var address = idp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new NotificationOptions { ServiceToken = { TokenEndpoint = address + "/token", ClientId = "pxp-notification", ClientSecret = "s3cret", Scope = "pxp.api" } };
        var source = new ClientCredentialsTokenSource(new Factory(), Options.Create(options), clock);

        Assert.Equal("token-1", await source.TokenForAsync("riverside-general", Ct));
        Assert.Equal("token-1", await source.TokenForAsync("mesa-valley", Ct));
        clock.Advance(TimeSpan.FromSeconds(201));
        Assert.Equal("token-2", await source.TokenForAsync("riverside-general", Ct));

        var form = requests.First();
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("pxp-notification", form["client_id"]);
        Assert.Equal("s3cret", form["client_secret"]);
        Assert.Equal("pxp.api", form["scope"]);
        await idp.StopAsync(Ct);
    }

    private static JsonElement Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(part)).RootElement;
    }

    private sealed class Factory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
