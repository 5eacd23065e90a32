using System.Net;
using System.Text.RegularExpressions;

namespace PatientExperience.Gateway.Tests;

/// <summary>Every request carries one correlation id to the service and back to the caller, and a W3C trace context to the service.</summary>
public sealed partial class CorrelationTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private const string Header = "X-Correlation-Id";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("^00-(?<trace>[0-9a-f]{32})-(?<span>[0-9a-f]{16})-(?<flags>[0-9a-f]{2})$")]
    private static partial Regex TraceParent();

    private async Task<(HttpResponseMessage Response, ForwardedRequest Forwarded)> SendStaffRequestAsync(Action<HttpRequestMessage>? customise = null)
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");
        customise?.Invoke(request);
        var response = await app.ClientWithToken(GatewayApp.TokenFor("patient-relations")).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, Assert.Single(app.Backend.ReceivedFor(marker)));
    }

    [Fact]
    public async Task A_request_without_an_id_gets_one_which_the_service_receives_and_the_caller_sees_once()
    {
        var (response, forwarded) = await SendStaffRequestAsync();

        var returned = Assert.Single(response.Headers.GetValues(Header));
        Assert.NotEqual(RecordingBackend.BackendCorrelationId, returned);
        Assert.False(string.IsNullOrWhiteSpace(returned));
        Assert.Equal([returned], forwarded.HeaderValues(Header));
    }

    [Theory]
    [InlineData("d1e8c7a2-5b7e-4f0c-9d55-2f4a6a1c0b3e")]
    [InlineData("kiosk_42-ED")]
    public async Task A_sane_id_from_the_caller_is_kept(string given)
    {
        var (response, forwarded) = await SendStaffRequestAsync(r => r.Headers.Add(Header, given));

        Assert.Equal(given, Assert.Single(response.Headers.GetValues(Header)));
        Assert.Equal([given], forwarded.HeaderValues(Header));
    }

    public static TheoryData<string> InsaneIds => new()
    {
        new string('a', 300),
        new string('a', 65),
        "has spaces in it",
        "semi;colon",
        "<script>alert(1)</script>",
        "ünïcödé",
    };

    [Theory]
    [MemberData(nameof(InsaneIds))]
    public async Task An_insane_id_from_the_caller_is_replaced(string given)
    {
        var (response, forwarded) = await SendStaffRequestAsync(r => r.Headers.TryAddWithoutValidation(Header, given));

        var returned = Assert.Single(response.Headers.GetValues(Header));
        Assert.NotEqual(given, returned);
        Assert.Matches("^[A-Za-z0-9_-]{1,64}$", returned);
        Assert.Equal([returned], forwarded.HeaderValues(Header));
    }

    [Fact]
    public async Task Two_ids_from_the_caller_become_one()
    {
        var (response, forwarded) = await SendStaffRequestAsync(r => r.Headers.Add(Header, ["first-id", "second-id"]));

        var returned = Assert.Single(response.Headers.GetValues(Header));
        Assert.Equal([returned], forwarded.HeaderValues(Header));
    }

    [Fact]
    public async Task The_service_receives_a_W3C_traceparent_in_the_trace_the_correlation_id_names()
    {
        var (response, forwarded) = await SendStaffRequestAsync();

        var traceparent = Assert.Single(forwarded.HeaderValues("traceparent"));
        var match = TraceParent().Match(traceparent);
        Assert.True(match.Success, $"Not a W3C traceparent: {traceparent}");
        Assert.NotEqual(new string('0', 32), match.Groups["trace"].Value);
        Assert.Equal(Assert.Single(response.Headers.GetValues(Header)), match.Groups["trace"].Value);
    }

    [Fact]
    public async Task A_callers_trace_is_continued_not_restarted()
    {
        const string callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        var (_, forwarded) = await SendStaffRequestAsync(r => r.Headers.Add("traceparent", $"00-{callerTrace}-00f067aa0ba902b7-01"));

        var match = TraceParent().Match(Assert.Single(forwarded.HeaderValues("traceparent")));
        Assert.True(match.Success);
        Assert.Equal(callerTrace, match.Groups["trace"].Value);
        Assert.NotEqual("00f067aa0ba902b7", match.Groups["span"].Value);
    }

    [Fact]
    public async Task Answers_the_gateway_gives_itself_carry_the_id_too()
    {
        var response = await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases") { Headers = { { Header, "refused-request-7" } } }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("refused-request-7", Assert.Single(response.Headers.GetValues(Header)));
    }
}
