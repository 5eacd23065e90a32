using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace PatientExperience.Client;

// Hand-written beside the generated client: the reports' CSV answers. The OpenAPI document describes `text/csv` next to JSON for
// these operations, but NSwag generates one method per operation that asks for JSON; these ask the same URLs for CSV
// (`Accept: text/csv`) through the same HttpClient (so the same handlers: resilience, the caller's token).
public partial interface IPlatformApiClient
{
    /// <summary>The KPIs (<c>GET /api/v1/reports/kpis</c>) as CSV; small cells suppressed by the reporting service.</summary>
    Task<FileResponse> GetKpisCsvAsync(string? facilityId = null, string? departmentId = null, string? unitId = null, string? from = null, string? to = null, CancellationToken cancellationToken = default);

    /// <summary>The KPI series (<c>GET /api/v1/reports/kpis/series</c>) as CSV.</summary>
    Task<FileResponse> GetKpiSeriesCsvAsync(string? facilityId = null, string? departmentId = null, string? unitId = null, string? from = null, string? to = null, string? interval = null, string? groupBy = null, CancellationToken cancellationToken = default);
}

public partial class PlatformApiClient
{
    public virtual Task<FileResponse> GetKpisCsvAsync(string? facilityId = null, string? departmentId = null, string? unitId = null, string? from = null, string? to = null, CancellationToken cancellationToken = default) =>
        GetCsvAsync("api/v1/reports/kpis", [new("facilityId", facilityId), new("departmentId", departmentId), new("unitId", unitId), new("from", from), new("to", to)], cancellationToken);

    public virtual Task<FileResponse> GetKpiSeriesCsvAsync(string? facilityId = null, string? departmentId = null, string? unitId = null, string? from = null, string? to = null, string? interval = null, string? groupBy = null, CancellationToken cancellationToken = default) =>
        GetCsvAsync("api/v1/reports/kpis/series",
            [new("facilityId", facilityId), new("departmentId", departmentId), new("unitId", unitId), new("from", from), new("to", to), new("interval", interval), new("groupBy", groupBy)],
            cancellationToken);

    /// <summary>
    /// GET <paramref name="path"/> with <c>Accept: text/csv</c>. A 200 is the CSV as a stream (disposed with the answer); anything
    /// else is a <see cref="PlatformApiException"/> carrying the problem document, like the generated methods.
    /// </summary>
    private async Task<FileResponse> GetCsvAsync(string path, IReadOnlyList<KeyValuePair<string, string?>> query, CancellationToken cancellationToken)
    {
        var url = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is null) continue;
            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url.ToString(), UriKind.Relative));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("text/csv"));
        var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var headers = response.Headers.Concat(response.Content.Headers).GroupBy(h => h.Key).ToDictionary(g => g.Key, g => g.SelectMany(h => h.Value));
        if ((int)response.StatusCode == 200)
            return new FileResponse(200, headers, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), null, response);

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new PlatformApiException(string.Create(CultureInfo.InvariantCulture, $"The HTTP status code of the response was not expected ({(int)response.StatusCode})."),
                (int)response.StatusCode, text, headers, null);
        }
    }
}
