using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary>Bodies larger than Gateway:MaxRequestBodyBytes are refused with 413 before any service sees them.</summary>
public sealed class BodySizeTests : IAsyncLifetime
{
    private const int Limit = 2048;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:PublicPermitLimit"] = "1000",
        });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static ByteArrayContent Json(int bytes)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("\"" + new string('a', bytes - 2) + "\""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_problem_details_and_is_not_forwarded()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/feedback", Json(Limit + 1));

        var response = await _app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Empty(_app.Backend.ReceivedFor(marker));
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_forwarded_whole()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/feedback", Json(Limit));

        var response = await _app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(Limit, Assert.Single(_app.Backend.ReceivedFor(marker)).Body.Length);
    }

    [Fact]
    public async Task The_limit_also_applies_to_staff_routes()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/cases/case-123/notes", Json(8 * Limit));

        var response = await _app.ClientWithToken(GatewayApp.TokenFor("advocate")).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_app.Backend.ReceivedFor(marker));
    }
}

/// <summary>
/// A body without Content-Length (chunked) slips past the gateway's Content-Length check; on a real server the limit the
/// gateway sets on the request must still stop it. TestServer ignores that limit, so this runs the gateway on Kestrel.
/// </summary>
public sealed class ChunkedBodySizeTests
{
    private const int Limit = 2048;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Content of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedContent(int bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[512];
            Array.Fill(chunk, (byte)'a');
            for (var sent = 0; sent < bytes; sent += chunk.Length) await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, bytes - sent)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_and_never_reaches_the_service_whole()
    {
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, onKestrel: true);
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/feedback", new ChunkedContent(16 * Limit));

        var response = await Unbuffered(app).SendAsync(request, Ct);

        Assert.Null(request.Content!.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(app.Backend.ReceivedFor(marker), r => r.Body.Length > Limit);
    }

    /// <remarks>
    /// Well within, not at, the limit: Kestrel counts chunk framing (size lines and CRLFs) against the request's limit, so a
    /// chunked body a little under Gateway:MaxRequestBodyBytes can already be refused (measured: 2,040 bytes in one chunk fails a 2,048 limit).
    /// </remarks>
    [Fact]
    public async Task A_chunked_body_well_within_the_limit_is_forwarded_whole()
    {
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, onKestrel: true);
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/feedback", new ChunkedContent(Limit / 2));

        var response = await Unbuffered(app).SendAsync(request, Ct);

        Assert.Null(request.Content!.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(Limit / 2, Assert.Single(app.Backend.ReceivedFor(marker)).Body.Length);
    }

    /// <summary>The factory's own clients buffer request bodies to follow redirects (and so send Content-Length); a plain client does not.</summary>
    private static HttpClient Unbuffered(GatewayApp app) => new() { BaseAddress = app.CreateClient().BaseAddress };
}
