using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// Optimistic concurrency over HTTP, read once for every service: a document's ETag is its store version (<c>"3"</c>) and a
/// change sends it back in <c>If-Match</c>. <see cref="Read"/> says whether the header was sent, and which version it names.
/// </summary>
public readonly record struct IfMatch
{
    private IfMatch(string raw, bool present, long? version, bool weak, bool quoted)
    {
        Raw = raw;
        IsPresent = present;
        Version = version;
        IsWeak = weak;
        IsQuoted = quoted;
    }

    /// <summary>The header as sent (empty when absent), for messages that quote it back.</summary>
    public string Raw { get; }

    /// <summary>Whether a non-blank <c>If-Match</c> was sent.</summary>
    public bool IsPresent { get; }

    /// <summary>The version the single tag names, or null when the header is absent or is not one tag holding a version.</summary>
    public long? Version { get; }

    /// <summary>The tag is weak (<c>W/"3"</c>).</summary>
    public bool IsWeak { get; }

    /// <summary>The tag is quoted, as RFC 9110 requires (<c>"3"</c>, not <c>3</c>).</summary>
    public bool IsQuoted { get; }

    /// <summary>Exactly one strong, quoted tag naming a version: the form the platform's ETags take.</summary>
    public bool IsStrongVersion => Version is not null && !IsWeak && IsQuoted;

    /// <summary>The ETag of a version: <c>"3"</c>.</summary>
    public static string ETagFor(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Answers <paramref name="version"/> as the response's ETag.</summary>
    public static void SetETag(HttpContext http, long version)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = ETagFor(version);
    }

    public static IfMatch Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Parse(request.Headers.IfMatch);
    }

    /// <summary>Reads <c>If-Match</c>: <c>*</c>, several tags or a tag that is not a non-negative whole number name no version.</summary>
    public static IfMatch Parse(StringValues values)
    {
        var raw = values.ToString();
        var parts = values.SelectMany(v => (v ?? "").Split(',')).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count == 0) return new IfMatch(raw, present: false, version: null, weak: false, quoted: false);
        if (parts.Count > 1) return new IfMatch(raw, present: true, version: null, weak: false, quoted: false);

        var tag = parts[0];
        var weak = tag.StartsWith("W/", StringComparison.Ordinal);
        if (weak) tag = tag[2..];
        var quoted = tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"';
        var opaque = tag.Trim('"');
        long? version = long.TryParse(opaque, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new IfMatch(raw, present: true, version, weak, quoted);
    }
}
