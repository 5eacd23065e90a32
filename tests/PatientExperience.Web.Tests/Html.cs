using System.Net;
using System.Text.RegularExpressions;

namespace PatientExperience.Web.Tests;

/// <summary>What a browser would post back: the hidden fields of a rendered form (antiforgery token, handler, idempotency key).</summary>
public static partial class Html
{
    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, string renderedHtml, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken ct)
    {
        var all = HiddenFields(renderedHtml).Select(h => KeyValuePair.Create(h.Key, h.Value)).Concat(fields).ToList();
        return await browser.PostAsync(path, new FormUrlEncodedContent(all), ct);
    }

    /// <summary>The element with this id, as rendered (start tag only).</summary>
    public static string StartTag(string html, string id)
    {
        var match = Regex.Match(html, $"<[a-z]+[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>");
        Assert.True(match.Success, $"No element with id {id} in the page.");
        return match.Value;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
