namespace PatientExperience.Web;

/// <summary>
/// The gateway limits anonymous routes per client address. Every page calls it from this server, so the patient's own address
/// (as the gateway in front of this server gave it) goes along in <c>X-Forwarded-For</c>; the gateway trusts it only from
/// proxies it knows (<c>Gateway:KnownProxies</c>/<c>KnownNetworks</c>; loopback always).
/// </summary>
internal sealed class ForwardClientAddress(IHttpContextAccessor http) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (http.HttpContext?.Connection.RemoteIpAddress is { } client)
        {
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
